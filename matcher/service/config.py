"""What a running service is given: the database, who may sign in, limits, data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .auth import JwtSettings, TokenBook

__all__ = ["Limits", "ServiceConfig"]


@dataclass(frozen=True)
class Limits:
    """How much one caller may ask of the service.

    ``max_body_bytes``: the largest request body (larger: 413);
    ``per_minute``: requests per token and minute (more: 429 with
    ``Retry-After``); ``job_seconds``: the longest a background job may run
    before it is stopped (its state then ``timed_out``); ``jobs_waiting``: jobs
    running or waiting at once (more: 503); ``job_workers``: jobs run side by side.
    """

    max_body_bytes: int = 1_000_000
    per_minute: int = 600
    job_seconds: float = 900.0
    jobs_waiting: int = 8
    job_workers: int = 1


@dataclass(frozen=True)
class ServiceConfig:
    """A service's settings.

    ``db``: the store's URL (``None``: ``$BROBYGGER_DB`` or the default file);
    ``tokens``: the local token file; ``jwt``: how JWTs are checked; neither
    means the one local caller of every role (only on 127.0.0.1, see
    ``brobygger serve``). ``data_root``: the folder dataset folders are loaded
    from (nothing outside it); ``datasets``: folders loaded at start, each
    registered under its folder name for ``municipality`` (``None``: any).
    """

    db: str | None = None
    tokens: TokenBook | None = None
    jwt: JwtSettings | None = None
    limits: Limits = field(default_factory=Limits)
    data_root: Path = field(default_factory=Path.cwd)
    datasets: tuple[Path, ...] = ()
    municipality: str | None = None

    @property
    def signs_in(self) -> bool:
        """Whether callers must show a token or a JWT."""
        return self.tokens is not None or self.jwt is not None
