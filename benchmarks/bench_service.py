"""Benchmark: many clients recommending and booking against ``brobygger serve``
(run on demand: ``python -m benchmarks.bench_service [SECONDS] [CLIENTS]``).

Starts the real service (Uvicorn on 127.0.0.1, a free port, a fresh SQLite
store, the demo dataset, a physiotherapist's token) and runs ``CLIENTS``
threads for ``SECONDS`` (default 60 s, 50 clients). Each client takes a
patient of its own, asks for the options (``POST .../recommendations``) and
books the first one (``POST /bookings``); a full session (409) is an answer,
not an error. Prints requests per second, p50/p95 latency of each operation,
the answers by status, and checks the store: no session holds more bookings
than places, and no request failed (no 5xx, no connection error). Exit status
1 when either check fails.
"""

from __future__ import annotations

import itertools
import socket
import statistics
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "activities"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(root: Path) -> tuple[object, str, str]:
    import uvicorn

    from matcher.service import Limits, ServiceConfig, TokenBook, add_token
    from matcher.service.app import create_app

    token = add_token(root / "tokens.toml", "bench", "physiotherapist", "*")
    config = ServiceConfig(
        db=f"sqlite:///{root / 'bench.sqlite3'}",
        tokens=TokenBook.read(root / "tokens.toml"),
        data_root=DEMO.parent,
        datasets=(DEMO,),
        limits=Limits(per_minute=10**7),
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}", token


def main(argv: list[str]) -> int:
    """Run the benchmark; exit status 1 on an overbooking or a failed request."""
    import httpx
    import pandas as pd

    from matcher.store import open_store

    seconds = float(argv[0]) if argv else 60.0
    clients = int(argv[1]) if len(argv) > 1 else 50
    root = Path(tempfile.mkdtemp(prefix="brobygger-bench-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server, base, token = _start(root)
    headers = {"Authorization": f"Bearer {token}"}
    patients = itertools.cycle(pd.read_csv(DEMO / "patients.csv", dtype=str)["patient_id"])
    lock = threading.Lock()
    took: dict[str, list[float]] = {"recommend": [], "book": []}
    answers: Counter[str] = Counter()
    end = time.monotonic() + seconds

    def timed(name: str, http: httpx.Client, path: str, body: dict[str, object]) -> object:
        began = time.perf_counter()
        try:
            answer = http.post(path, json=body)
            status, data = str(answer.status_code), answer.json()
        except (httpx.HTTPError, ValueError):
            status, data = "connection error", {}
        with lock:
            took[name].append(time.perf_counter() - began)
            answers[f"{name} {status}"] += 1
        return data

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            while time.monotonic() < end:
                with lock:
                    pid = next(patients)
                ask: dict[str, object] = {"patient_id": pid, "top": 3}
                found = timed("recommend", http, "/datasets/activities/recommendations", ask)
                options = found.get("options") if isinstance(found, dict) else None
                if options:
                    book: dict[str, object] = {"dataset": "activities", "patient_id": pid}
                    book["session_id"] = options[0]["session_id"]
                    timed("book", http, "/bookings", book)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    server.should_exit = True  # type: ignore[attr-defined]
    with open_store(f"sqlite:///{root / 'bench.sqlite3'}") as store:
        over = pd.read_sql(
            "select session_id, booked, capacity from places where booked > capacity",
            store.engine,
        )
    total = sum(len(v) for v in took.values())
    print(f"{clients} clients, {wall:.1f} s: {total / wall:.1f} requests/s")
    for name, values in took.items():
        if values:
            p50 = statistics.median(values) * 1000
            p95 = statistics.quantiles(values, n=20)[-1] * 1000 if len(values) > 1 else p50
            print(f"  {name}: {len(values)} requests, p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    for key, count in sorted(answers.items()):
        print(f"  {key}: {count}")
    failed = sum(c for k, c in answers.items() if k.endswith(("error", "500", "503")))
    print(f"  overbooked sessions: {len(over)}; failed requests: {failed}")
    return 1 if len(over) or failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
