"""The app's sign-in through the service: ``GET /auth/verify``.

A reverse proxy in front of the app (``deploy/nginx.conf``, nginx's
``auth_request``) asks this endpoint about each request before passing it on:
the same bearer token or JWT as every operation of the service (in
``Authorization``, or in the ``brobygger_token`` cookie that a browser sends),
answered with

- 204 and the headers ``X-Brobygger-Role`` (the roles of ``APP_ROLES`` held,
  comma-separated), ``X-Brobygger-Subject`` (the actor's pseudonym) and
  ``X-Brobygger-Municipality``, which the proxy passes on to the app;
- 401 without a token, with one the service does not know, or when the
  service signs no one in (started without tokens or JWT settings, it would
  vouch for anyone);
- 403 for a role that may not use the app: the app shows single patients, so an
  analyst (aggregates only) or an admin is refused.

The check is not counted against the rate limit: a page's every file asks it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ..words.problems import problem
from .access import service
from .auth import Principal
from .problems import PROBLEM_RESPONSES, Refused
from .state import ServiceState

__all__ = [
    "APP_ROLES",
    "COOKIE",
    "MUNICIPALITY_HEADER",
    "ROLE_HEADER",
    "SUBJECT_HEADER",
    "known_principal",
    "router",
]

#: The roles that may use the app (as ``matcher.ui.signin.APP_ROLES``).
APP_ROLES = ("physiotherapist", "planner")
ROLE_HEADER = "X-Brobygger-Role"
SUBJECT_HEADER = "X-Brobygger-Subject"
MUNICIPALITY_HEADER = "X-Brobygger-Municipality"
#: The cookie a browser may carry the token in (the proxy passes it on unchanged).
COOKIE = "brobygger_token"

router = APIRouter(responses=PROBLEM_RESPONSES)
State = Annotated[ServiceState, Depends(service)]


def _not_signed_in(template: str) -> Refused:
    refused = Refused(401, "sign-in", [problem("Authorization", None, None, template)])
    refused.headers["WWW-Authenticate"] = 'Bearer realm="brobygger"'
    return refused


def _token(request: Request) -> str:
    """The bearer token of ``Authorization``, else the sign-in cookie's, else ""."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(COOKIE, "").strip()


def known_principal(state: ServiceState, token: str) -> Principal | None:
    """The caller holding ``token`` (of the token file, or a JWT), or ``None``."""
    config = state.config
    found = config.tokens.principal(token) if config.tokens is not None else None
    if found is None and config.jwt is not None and token.count(".") == 2:
        found = config.jwt.principal(token)
    return found


@router.get(
    "/auth/verify",
    status_code=204,
    tags=["sign-in"],
    responses={204: {"description": "Signed in with a role that uses the app"}},
)
def verify(request: Request, state: State) -> Response:
    """Whether the request's token may use the app: 204 with the role and the actor in
    ``X-Brobygger-Role`` and ``X-Brobygger-Subject``; 401 or 403 otherwise."""
    if not state.config.signs_in:
        raise _not_signed_in(
            "the service signs no one in (start it with --tokens or the --jwt options), "
            "so it cannot sign in to the app"
        )
    token = _token(request)
    if not token:
        raise _not_signed_in("a bearer token is needed")
    found = known_principal(state, token)
    if found is None:
        raise _not_signed_in("the token is not known, or has expired")
    roles = [role for role in APP_ROLES if role in found.roles]
    if not roles:
        said = " or ".join(APP_ROLES)
        raise Refused(
            403, "role", [problem("role", None, None, "needs the role {roles}", roles=said)]
        )
    headers = {
        ROLE_HEADER: ",".join(roles),
        SUBJECT_HEADER: found.actor,
        MUNICIPALITY_HEADER: found.municipality,
    }
    return Response(status_code=204, headers=headers)
