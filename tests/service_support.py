"""Helpers for the service's tests: a token per role, a running app, headers."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from matcher.service import ROLES, Limits, ServiceConfig, TokenBook, add_token

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "activities"
#: The municipality of the store and the demo dataset in these tests.
HOME = "0461"


def make_tokens(path: Path, municipality: str = HOME) -> dict[str, str]:
    """A token file with one token per role (actor ``t-<role>``); the tokens by role."""
    return {role: add_token(path, f"t-{role}", role, municipality) for role in ROLES}


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header of ``token``."""
    return {"Authorization": f"Bearer {token}"}


def config(root: Path, *, signs_in: bool = True, **options: Any) -> ServiceConfig:
    """A service over the demo dataset (as ``activities``) and a fresh SQLite store
    in ``root``, with the token file ``root/tokens.toml`` when ``signs_in``."""
    tokens = TokenBook.read(root / "tokens.toml") if signs_in else None
    options.setdefault("limits", Limits())
    options.setdefault("datasets", (DEMO_DIR,))
    return ServiceConfig(
        db=f"sqlite:///{root / 'service.sqlite3'}",
        tokens=tokens,
        data_root=ROOT / "data",
        municipality=HOME,
        **options,
    )


def client(cfg: ServiceConfig) -> Any:
    """A TestClient of the service for ``cfg``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient

    from matcher.service.app import create_app

    return TestClient(create_app(cfg))


def service(root: Path, **options: Any) -> tuple[Any, dict[str, str]]:
    """A TestClient of a signed-in service in ``root`` and its tokens by role."""
    tokens = make_tokens(root / "tokens.toml")
    return client(config(root, **options)), tokens


def patient_ids() -> set[str]:
    """Every pseudonym of the demo dataset."""
    import pandas as pd

    return set(pd.read_csv(DEMO_DIR / "patients.csv", dtype=str)["patient_id"])


def wait_for(http: Any, job_id: str, headers: dict[str, str], seconds: float = 60) -> Any:
    """The job's state once it has ended (or after ``seconds``)."""
    import time

    end = time.monotonic() + seconds
    while True:
        state = http.get(f"/jobs/{job_id}", headers=headers).json()
        if state["state"] in ("done", "failed", "timed_out") or time.monotonic() > end:
            return state
        time.sleep(0.1)
