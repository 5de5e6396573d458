"""Who may call what: the bearer token or JWT of a request, and its role.

``caller`` reads ``Authorization: Bearer ...``: 401 without a token or with
one the service does not know; ``allowed(*roles)`` then refuses (403) a
caller without one of ``roles``. Each known caller's requests count against
the rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from ..words.problems import problem
from .auth import LOCAL, Principal
from .problems import Refused
from .state import ServiceState

__all__ = ["Caller", "allowed", "caller", "service"]


def service(request: Request) -> ServiceState:
    """The running service's state."""
    state: ServiceState = request.app.state.brobygger
    return state


def _no_sign_in(template: str) -> Refused:
    refused = Refused(401, "sign-in", [problem("Authorization", None, None, template)])
    refused.headers["WWW-Authenticate"] = 'Bearer realm="brobygger"'
    return refused


def caller(request: Request, state: Annotated[ServiceState, Depends(service)]) -> Principal:
    """The signed-in caller of ``request`` (the local caller without sign-in)."""
    config = state.config
    if not config.signs_in:
        state.rate.check(LOCAL.key)
        return LOCAL
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _no_sign_in("a bearer token is needed")
    found = None
    if config.tokens is not None:
        found = config.tokens.principal(token)
    if found is None and config.jwt is not None and token.count(".") == 2:
        found = config.jwt.principal(token)
    if found is None:
        raise _no_sign_in("the token is not known, or has expired")
    state.rate.check(found.key)
    return found


Caller = Annotated[Principal, Depends(caller)]


def allowed(*roles: str) -> Callable[[Principal], Principal]:
    """A dependency giving the caller if they hold one of ``roles``, else 403."""

    def check(who: Caller) -> Principal:
        if not who.roles & set(roles):
            template = "needs the role {roles}"
            said = " or ".join(roles)
            raise Refused(403, "role", [problem("role", None, None, template, roles=said)])
        return who

    return check
