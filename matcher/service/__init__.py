"""Brobygger as a REST service (``brobygger serve``): the same public functions
the command line and the app call, behind sign-in and roles.

::

    from matcher.service import ServiceConfig, create_app
    app = create_app(ServiceConfig(db="sqlite:///brobygger.sqlite3"))

Needs the ``api`` extra (FastAPI, Uvicorn, PyJWT).
"""

from __future__ import annotations

from typing import Any

from .auth import ROLES, JwtSettings, Principal, TokenBook, add_token, hash_token
from .config import Limits, ServiceConfig

__all__ = [
    "ROLES",
    "JwtSettings",
    "Limits",
    "Principal",
    "ServiceConfig",
    "TokenBook",
    "add_token",
    "create_app",
    "hash_token",
]


def create_app(config: ServiceConfig | None = None) -> Any:
    """The service's ASGI app (``matcher.service.app.create_app``)."""
    from .app import create_app as make

    return make(config)
