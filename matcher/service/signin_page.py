"""The app's sign-in page: ``/auth/sign-in`` and ``/auth/sign-out``.

A browser sends no bearer token by itself, so a person with a token of the
service's token file (``brobygger token``) types it once into the sign-in page,
which the reverse proxy (``deploy/nginx.conf``) shows for every request without
sign-in. A token that may use the app (``auth_verify.APP_ROLES``) is kept in the
``brobygger_token`` cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, for
``COOKIE_HOURS``), which ``/auth/verify`` reads; any other token brings the page
back with a message, and the cookie is never set. ``/auth/sign-out`` forgets it.
With the organisation's OIDC sign-in a gateway in front passes its JWT on in
``Authorization`` and this page is never shown.
"""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..words.app import text
from ..words.problems import problem
from .access import service
from .auth_verify import APP_ROLES, COOKIE, known_principal
from .problems import PROBLEM_RESPONSES, Refused, request_lang
from .state import ServiceState

__all__ = ["COOKIE_HOURS", "router"]

#: How long the sign-in cookie is kept (a working day and a half).
COOKIE_HOURS = 12
#: The longest token read from the form (a JWT of the organisation is well under it).
_TOKEN_LIMIT = 8192
_PAGE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'; default-src 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main>
<h1>{title}</h1>
{wrong}<form method="post" action="/auth/sign-in">
<label for="token">{label}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">{button}</button>
</form>
<p>{hint}</p>
</main></body>
</html>
"""
_FORM = {
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {"token": {"type": "string"}}}
        }
    }
}

router = APIRouter(responses=PROBLEM_RESPONSES, tags=["sign-in"])
State = Annotated[ServiceState, Depends(service)]


@router.get("/auth/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, wrong: Annotated[bool, Query()] = False) -> HTMLResponse:
    """The sign-in page (in the language of ``Accept-Language``): one field for the token;
    ``wrong``: the last token could not sign in to the app."""
    lang = request_lang(request)
    words = {k: escape(text(f"signin_{k}", lang)) for k in ("title", "label", "button", "hint")}
    note = f'<p role="alert">{escape(text("signin_wrong", lang))}</p>\n' if wrong else ""
    page = _PAGE.format(lang=lang, wrong=note, **words)
    return HTMLResponse(page, headers=_PAGE_HEADERS)


@router.post(
    "/auth/sign-in",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "To the app, signed in; or back to the page"}},
    openapi_extra={"requestBody": _FORM},
)
async def sign_in(request: Request, state: State) -> Response:
    """Sign in with the form's ``token``: to the app with the sign-in cookie when the token
    may use it, else back to the page (``?wrong=true``); a form from another site is 403."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        refused = [problem("Origin", None, None, "the sign-in form was sent from another site")]
        raise Refused(403, "sign-in", refused)
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=8)
    token = (form.get("token") or [""])[0].strip()[:_TOKEN_LIMIT]
    found = known_principal(state, token) if token and state.config.signs_in else None
    if found is None or not found.roles & set(APP_ROLES):
        return RedirectResponse("/auth/sign-in?wrong=true", status_code=303)
    answer = RedirectResponse("/", status_code=303)
    secure = request.headers.get("x-forwarded-proto", request.url.scheme) == "https"
    answer.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_HOURS * 3600,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    return answer


@router.get(
    "/auth/sign-out",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "To the sign-in page, the cookie forgotten"}},
)
def sign_out() -> Response:
    """Forget the sign-in cookie and go back to the sign-in page."""
    answer = RedirectResponse("/auth/sign-in", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return answer
