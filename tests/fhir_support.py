"""Helpers for the FHIR tests: the fixture bundle, referrals and bundles to write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matcher.dataset.fhir_profile import PSEUDONYM_SYSTEM, column_extension

#: A Bundle of four ServiceRequests (one completed), two Patients and a Condition.
REFERRALS = Path(__file__).resolve().parent / "data" / "fhir" / "referrals.json"
#: The pseudonyms of the referrals in REFERRALS that are imported.
REFERRED = ("P9001", "P9002", "P9003")


def referral(ident: str = "sr-1", patient: str = "P9101", **changes: Any) -> dict[str, Any]:
    """A ServiceRequest for ``patient`` with a date and a home (lat, lon extensions)."""
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": ident,
        "status": "active",
        "intent": "order",
        "subject": {"identifier": {"system": PSEUDONYM_SYSTEM, "value": patient}},
        "occurrencePeriod": {"start": "2027-02-01"},
        "extension": [
            {"url": column_extension("lat"), "valueDecimal": 55.40},
            {"url": column_extension("lon"), "valueDecimal": 10.39},
        ],
    }
    resource.update(changes)
    return resource


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    """A Bundle of type collection holding ``resources``."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def write_json(path: Path, data: Any) -> Path:
    """Write ``data`` as JSON to ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
