"""The request bodies of the OpenAPI document."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from matcher.dataset.schema import PATIENTS
from matcher.service.models import BookRequest, Profile, RecommendRequest


def test_a_profile_has_the_columns_of_patients_csv() -> None:
    """The typed profile's fields are patients.csv's columns, required ones required."""
    fields = Profile.model_fields
    assert list(fields) == [c.name for c in PATIENTS.columns]
    required = {name for name, f in fields.items() if f.is_required()}
    assert required == {c.name for c in PATIENTS.columns if c.required}


def test_unknown_fields_and_out_of_range_values_are_refused() -> None:
    """A field the document does not name, or ``top`` outside 1-100, does not fit."""
    with pytest.raises(ValidationError):
        BookRequest(dataset="a", patient_id="P1", session_id="S1", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        RecommendRequest(patient_id="P1", top=101)
