# Brobygger: the app (brobygger app) and the command line, run as a user without root.
#
#   docker build -t brobygger .
#   docker run --rm -p 127.0.0.1:8866:8866 brobygger            # the app on the demo
#   docker run --rm -v "$PWD/data:/data:ro" brobygger validate /data/activities
#
# The app listens on every address of the container (--listen 0.0.0.0) on port 8866;
# publish it on the host's port of your choice, and give the name the browser or the
# reverse proxy uses with --allow-host (compose.yaml does both).

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir "build==1.2.2.post1"
COPY pyproject.toml README.md LICENSE ./
COPY matcher ./matcher
# the wheel, and a requirement naming exactly that file where the next stage finds it
RUN python -m build --wheel --outdir /dist . \
    && for wheel in /dist/brobygger-*.whl; do \
        echo "brobygger[app,postgres] @ file:///tmp/dist/${wheel##*/}" > /dist/requirements.txt; \
    done

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN groupadd --gid 10001 brobygger \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin brobygger \
    && mkdir /data \
    && chown brobygger:brobygger /data
COPY --from=build /dist/ /tmp/dist/
# Brobygger with the app's packages and the PostgreSQL driver
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
CMD ["app", "--listen", "0.0.0.0", "--port", "8866", "--tiles", "none", "--data-root", "/data"]
