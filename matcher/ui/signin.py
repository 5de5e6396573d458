"""The app behind the sign-in's reverse proxy: ``brobygger app --behind-proxy``.

The reverse proxy (``deploy/nginx.conf``) asks the service's ``/auth/verify``
whether a request's bearer token or sign-in cookie is good, and passes on who
signed in in two headers it sets itself (a browser's own headers of those names
are overwritten): ``ROLE_HEADER`` (the roles, comma-separated) and
``SUBJECT_HEADER`` (the actor's pseudonym). Behind the proxy the app:

- knows the person by those headers (``ProxyIdentityProvider``, Jupyter Server's
  identity provider: no token, no login page of its own);
- refuses every request without them, or whose roles may not use the app
  (``signed``: 403), except Voila's own scripts and styles (``/voila/static/``,
  public in Voila itself), which the container's health check fetches;
- forbids every page of it to be shown inside another site's frame
  (``FRAME_HEADERS``).

The app shows single patients (the Discharge tab), so only ``APP_ROLES`` may
use it: an analyst sees aggregates only, through the service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APP_ROLES",
    "FRAME_HEADERS",
    "ROLE_HEADER",
    "SUBJECT_HEADER",
    "ProxyIdentity",
    "identity_from_headers",
    "proxy_identity_provider",
    "signed",
]

#: The header naming the roles of the person the proxy signed in.
ROLE_HEADER = "X-Brobygger-Role"
#: The header naming that person (the actor's pseudonym, as in the audit log).
SUBJECT_HEADER = "X-Brobygger-Subject"
#: The roles that may use the app.
APP_ROLES = ("physiotherapist", "planner")
#: No page of the app inside another site's frame (and the older header for the same).
FRAME_HEADERS = {"Content-Security-Policy": "frame-ancestors 'none'", "X-Frame-Options": "DENY"}
#: What a subject may look like: a pseudonym or initials code, not free text.
_SUBJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$")


@dataclass(frozen=True)
class ProxyIdentity:
    """Who the proxy signed in: the actor and the roles of ``APP_ROLES`` they hold."""

    subject: str
    roles: tuple[str, ...]


def identity_from_headers(headers: Mapping[str, str]) -> ProxyIdentity | None:
    """The person named by the proxy's headers, or ``None``: no subject (or one
    that is not a pseudonym), or no role that may use the app."""
    subject = (headers.get(SUBJECT_HEADER) or "").strip()
    given = {r.strip().lower() for r in (headers.get(ROLE_HEADER) or "").split(",")}
    roles = tuple(r for r in APP_ROLES if r in given)
    if not roles or not _SUBJECT.match(subject):
        return None
    return ProxyIdentity(subject, roles)


def proxy_identity_provider() -> type:
    """Jupyter Server's identity provider for the app behind the proxy: the user is
    the subject of the proxy's headers (``None``, not signed in, without them)."""
    from jupyter_server.auth.identity import IdentityProvider, User
    from traitlets import Bool

    class ProxyIdentityProvider(IdentityProvider):
        need_token = Bool(False)

        def get_user(self, handler: Any) -> Any:
            found = identity_from_headers(handler.request.headers)
            if found is None:
                return None
            return User(username=found.subject, name=found.subject, initials=found.roles[0][:2])

        @property
        def login_available(self) -> bool:
            return False  # the proxy signs in

        @property
        def logout_available(self) -> bool:
            return False

    return ProxyIdentityProvider


def signed(handler: type) -> type:
    """``handler`` refusing (403) a request without the proxy's identity headers, and
    answering with ``FRAME_HEADERS``; Voila's own static files (``MultiStaticFileHandler``)
    are still served to anyone who reaches the app, with the same headers."""
    import tornado.web
    from voila.static_file_handler import MultiStaticFileHandler

    open_to_all = issubclass(handler, MultiStaticFileHandler)

    class Signed(handler):
        def set_default_headers(self) -> None:
            super().set_default_headers()
            for name, value in FRAME_HEADERS.items():
                self.set_header(name, value)

        def prepare(self) -> Any:
            if not open_to_all and identity_from_headers(self.request.headers) is None:
                raise tornado.web.HTTPError(
                    403, f"no {ROLE_HEADER} and {SUBJECT_HEADER} of a role that uses the app"
                )
            return super().prepare()

    Signed.__name__ = Signed.__qualname__ = f"Signed{handler.__name__}"
    return Signed
