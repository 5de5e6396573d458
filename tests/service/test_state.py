"""The service's datasets and audit reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_support import config

from matcher.errors import InputError
from matcher.service.auth import LOCAL, Principal
from matcher.service.problems import Refused
from matcher.service.state import ServiceState
from matcher.store import audit_trail


def test_a_caller_s_folder_must_lie_under_the_data_root(tmp_path: Path) -> None:
    """``..``, an absolute path elsewhere and a name too long are refused; the
    folder the service was started with may lie anywhere."""
    state = ServiceState(config(tmp_path, signs_in=False))
    try:
        for folder in ("..", str(tmp_path), "x" * 5000):
            with pytest.raises(InputError):
                state.load("x", Path(folder), None)
        assert [d.name for d in state.datasets(LOCAL)] == ["activities"]
    finally:
        state.close()


def test_a_dataset_of_another_municipality_is_403_and_an_unknown_one_404(tmp_path: Path) -> None:
    """The demo belongs to 0461: a caller of 0101 is refused, a missing name is 404."""
    state = ServiceState(config(tmp_path, signs_in=False))
    other = Principal("a1", frozenset({"planner"}), "0101", "a1")
    try:
        with pytest.raises(Refused) as refused:
            state.dataset("activities", other)
        assert refused.value.status == 403
        with pytest.raises(Refused) as missing:
            state.dataset("nothing", LOCAL)
        assert missing.value.status == 404
    finally:
        state.close()


def test_audit_reads_writes_one_read_per_patient(tmp_path: Path) -> None:
    """Each patient shown is one ``read`` entry with the caller as actor."""
    state = ServiceState(config(tmp_path, signs_in=False, datasets=()))
    try:
        state.audit_reads(LOCAL, "tasks", "list", ["P1", "P2", "P1"])
        trail = audit_trail(state.store)
    finally:
        state.close()
    assert list(trail["patient_id"]) == ["P1", "P2"]
    assert set(trail["action"]) == {"read"} and set(trail["actor"]) == {"local"}
