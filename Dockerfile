# Brobygger: the app (brobygger app), the service (brobygger serve) and the command line,
# run as a user without root.
#
#   docker build -t brobygger .
#   docker run --rm -p 127.0.0.1:8866:8866 brobygger app --listen 0.0.0.0 --insecure-open \
#       --tiles none                                   # the demo, open, on this machine only
#   docker run --rm -v "$PWD/data:/data:ro" brobygger validate /data/activities
#
# By default the app listens on every address of the container (--listen 0.0.0.0) on port
# 8866 behind the sign-in's reverse proxy (--behind-proxy): it answers only requests that
# the proxy (deploy/nginx.conf) signed in through the service's /auth/verify. Give the
# name the browser uses with --allow-host; compose.yaml runs the app, the service and the
# proxy together.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir "build==1.2.2.post1"
COPY pyproject.toml README.md LICENSE ./
COPY matcher ./matcher
# the wheel, and a requirement naming exactly that file where the next stage finds it
RUN python -m build --wheel --outdir /dist . \
    && for wheel in /dist/brobygger-*.whl; do \
        echo "brobygger[app,api,postgres] @ file:///tmp/dist/${wheel##*/}" > /dist/requirements.txt; \
    done

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --gid 10001 brobygger \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin brobygger \
    && mkdir /data /signin \
    && chown brobygger:brobygger /data /signin
COPY --from=build /dist/ /tmp/dist/
# Brobygger with the app's and the service's packages and the PostgreSQL driver
RUN pip install --no-cache-dir --requirement /tmp/dist/requirements.txt \
    && rm -rf /tmp/dist

USER 10001:10001
WORKDIR /home/brobygger
# the demo municipality, written once into the user's cache (brobygger app without --data)
RUN python -c "from matcher.dataset.demo import default_data_dir; print(default_data_dir())"

EXPOSE 8866
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8866/voila/static/voila.js', timeout=4)"]
ENTRYPOINT ["brobygger"]
CMD ["app", "--listen", "0.0.0.0", "--behind-proxy", "--port", "8866", "--tiles", "none", "--data-root", "/data"]
