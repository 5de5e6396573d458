"""The service's error bodies: one shape, ``application/problem+json`` (RFC 9457).

Every refusal is a JSON object with ``type``, ``title`` (the HTTP status's
phrase), ``status``, ``detail`` and ``problems``: the same ``file:row:column``
problems the command line prints (``matcher.errors.Problem``), each as
``file``, ``row``, ``column``, ``message`` and ``where`` (the CLI's line). The
messages are in English, or in Danish for ``Accept-Language: da``. No body
ever holds a traceback or an exception's text.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, Problem
from ..words.catalog import LANGUAGES
from ..words.problems import problem, problem_text

__all__ = [
    "MEDIA_TYPE",
    "PROBLEM_RESPONSES",
    "ProblemBody",
    "ProblemItem",
    "Refused",
    "install",
    "problem_response",
    "request_lang",
]

MEDIA_TYPE = "application/problem+json"
#: ``type`` of each kind of refusal; a plain HTTP refusal is ``about:blank``.
TYPES = {
    "input": "urn:brobygger:problem:input",
    "full": "urn:brobygger:problem:full",
    "sign-in": "urn:brobygger:problem:sign-in",
    "role": "urn:brobygger:problem:role",
    "limit": "urn:brobygger:problem:limit",
    "job": "urn:brobygger:problem:job",
    "server": "urn:brobygger:problem:server",
}
log = logging.getLogger("matcher.service")


class ProblemItem(BaseModel):
    """One problem, as the command line prints it: ``file:row:column: message``."""

    file: str
    row: int | None
    column: str | None
    message: str
    where: str


class ProblemBody(BaseModel):
    """An error body (RFC 9457 problem details) with Brobygger's problems."""

    type: str
    title: str
    status: int
    detail: str
    problems: list[ProblemItem]


_SCHEMA = {"schema": ProblemBody.model_json_schema()}
#: The error responses every operation documents, all as problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": HTTPStatus(code).phrase, "content": {MEDIA_TYPE: _SCHEMA}}
    for code in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503)
}


class Refused(Exception):
    """A request the service refuses, with its status and problems."""

    def __init__(self, status: int, kind: str, problems: list[Problem]) -> None:
        super().__init__(status)
        self.status = status
        self.kind = kind
        self.problems = problems
        self.headers: dict[str, str] = {}


def request_lang(request: Request) -> str:
    """``da`` when the request's ``Accept-Language`` asks for Danish first, else ``en``."""
    accepted = request.headers.get("accept-language", "")
    first = accepted.split(",")[0].split(";")[0].strip().lower()[:2]
    return first if first in LANGUAGES else "en"


def _item(found: Problem, lang: str) -> dict[str, Any]:
    message = problem_text(found, lang).split(": ", 1)[-1] if lang != "en" else found.message
    return {
        "file": found.file,
        "row": found.row,
        "column": found.column,
        "message": message,
        "where": f"{found.file}:{'-' if found.row is None else found.row}:"
        f"{'-' if found.column is None else found.column}",
    }


def problem_response(
    status: int,
    kind: str,
    problems: list[Problem] | tuple[Problem, ...],
    *,
    lang: str = "en",
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The problem+json response for ``problems`` with HTTP ``status``."""
    items = [_item(p, lang) for p in problems]
    body = {
        "type": TYPES.get(kind, "about:blank"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": items[0]["message"] if items else HTTPStatus(status).description,
        "problems": items,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _validation_problem(error: dict[str, Any]) -> Problem:
    """A request that does not fit the OpenAPI document, as a problem naming the
    part of the request (``body``, ``query``, ``path``) and the field."""
    loc = [str(part) for part in error.get("loc", ())]
    where = loc[0] if loc else "request"
    field = ".".join(loc[1:]) or None
    if error.get("type") == "missing":
        return problem(where, None, field, "is missing")
    return problem(where, None, field, "does not fit the API ({kind})", kind=error.get("type", ""))


def install(app: Any) -> None:
    """Make every refusal of ``app`` a problem+json body."""

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        return problem_response(422, "input", exc.problems, lang=request_lang(request))

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        return problem_response(
            exc.status, exc.kind, exc.problems, lang=request_lang(request), headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        found = [_validation_problem(e) for e in exc.errors()]
        return problem_response(422, "input", found, lang=request_lang(request))

    @app.exception_handler(Exception)
    async def _failed(request: Request, exc: Exception) -> JSONResponse:
        # the text of the exception stays out of the body (``limits.Guard`` logs its type)
        return server_error()

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        found = [problem("request", None, None, "refused by the service")]
        if exc.status_code == 404:
            found = [problem("path", None, None, "no such operation")]
        elif exc.status_code == 405:
            found = [problem("method", None, None, "this operation does not take that method")]
        return problem_response(exc.status_code, "input", found, lang=request_lang(request))


def server_error() -> JSONResponse:
    """The one body of an unexpected failure: no traceback, no exception text."""
    found = [problem("service", None, None, "something went wrong in the service; try again")]
    return problem_response(500, "server", found)
