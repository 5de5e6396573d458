"""Every operation of the OpenAPI document, fuzzed with schemathesis: no 500, no
answer outside the document (status, content type, schema)."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from service_support import config  # noqa: E402

from matcher.service import Limits  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from matcher.service.app import create_app

#: Examples per operation: bounded so the whole file runs in well under a minute.
EXAMPLES = 12
_ROOT = Path(tempfile.mkdtemp(prefix="brobygger-fuzz-"))
# without sign-in the one local caller holds every role, so every operation is reached
_LIMITS = Limits(per_minute=10**6, job_seconds=2.0, jobs_waiting=2)
APP = create_app(config(_ROOT, signs_in=False, limits=_LIMITS))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_500_or_outside_its_document(case: Any) -> None:
    """Generated requests to one operation never get a 500 or an answer the
    OpenAPI document does not describe."""
    case.call_and_validate(checks=CHECKS)
