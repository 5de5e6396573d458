"""The FastAPI application of ``brobygger serve``.

``create_app(config)`` opens the store, loads the configured datasets and
returns the ASGI app: the operations of ``people`` and ``planning``, its
OpenAPI document at ``/openapi.json`` (and ``/docs``), every error as
problem+json (``problems``), and the limits of ``limits`` around it all.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from .auth_verify import router as verify_router
from .config import ServiceConfig
from .limits import BodyLimit, Guard
from .pathway_booking import router as pathway_router
from .people import router as people_router
from .planning import router as planning_router
from .problems import install
from .signin_page import router as signin_router
from .sites import router as sites_router
from .state import ServiceState

__all__ = ["create_app"]

_DESCRIPTION = """Brobygger as a service: recommend, book and follow up one patient,
plan and schedule in the background, gaps per district, and the sites where a new
activity would help most.

Sign in with `Authorization: Bearer TOKEN` (a token of the service's token file,
or a JWT of the organisation's sign-in). Roles: `physiotherapist` (recommend,
book, follow-up), `planner` (plans, schedules), `analyst` (aggregates only;
counts below 5 hidden), `admin` (datasets, catalogue import).

Every error is `application/problem+json` (RFC 9457) with `problems`: the same
`file:row:column` problems the command line prints."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("brobygger")
    except PackageNotFoundError:
        return "0"


def create_app(config: ServiceConfig | None = None) -> Any:
    """The service for ``config``: a FastAPI app wrapped in the request limits."""
    config = config or ServiceConfig()
    state = ServiceState(config)
    api = FastAPI(
        title="Brobygger",
        version=_version(),
        description=_DESCRIPTION,
        on_shutdown=[state.close],
    )
    api.state.brobygger = state
    install(api)
    api.include_router(people_router)
    api.include_router(pathway_router)
    api.include_router(planning_router)
    api.include_router(sites_router)
    api.include_router(verify_router)
    api.include_router(signin_router)

    @api.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """The service is up (no sign-in needed)."""
        return {"status": "ok"}

    guarded = Guard(BodyLimit(api, config.limits.max_body_bytes))
    guarded.fastapi = api  # type: ignore[attr-defined]
    return guarded
