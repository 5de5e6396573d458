"""The SMS send log and a municipality's gateway: loading it by name, what it answers,
and a text written once per booking."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from store_support import START

from matcher import InputError
from matcher.store import book
from matcher.store.db import Store
from matcher.store.reminders import Reminder
from matcher.store.sms import SmsRecord, load_gateway, log_sms, send_sms, sms_log

GATEWAY = """
SENT = []

def factory():
    def send(records):
        SENT.extend(records)
        return [r.patient_id != "P002" for r in records]
    return send

def broken():
    raise RuntimeError("no licence")

def not_callable():
    return 42
"""


@pytest.fixture
def gateway_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable module with gateway factories, as a municipality would provide."""
    (tmp_path / "town_sms.py").write_text(GATEWAY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "town_sms"


def _logged(store: Store, *patients: str) -> list[SmsRecord]:
    """A reminder text in the log for each patient's booking of S1."""
    made = []
    for pid in patients:
        booking = book(store, pid, "S1", START)
        item = Reminder(booking.booking_id, pid, "S1", "O1", START, "sms", "", "da")
        with store.write() as session:
            row = log_sms(session, item, f"Husk {pid}")
            assert row is not None
            made.append(SmsRecord(row.id, pid, booking.booking_id, "da", row.text))
    return made


def test_a_gateway_is_loaded_by_its_factory(store: Store, gateway_module: str) -> None:
    """--gateway module:factory calls the factory; the gateway's answer per record marks
    each text sent or failed."""
    send = load_gateway(f"{gateway_module}:factory")
    records = _logged(store, "P001", "P002")
    assert send_sms(store, records, send, name="town") == (1, 1)
    log = sms_log(store)
    assert log[["patient_id", "status"]].values.tolist() == [["P001", "sent"], ["P002", "failed"]]
    assert log.loc[1, "detail"] == "not sent by the gateway"


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("town_sms", "package.module:factory"),
        ("no_such_module:factory", "cannot use no_such_module:factory: ModuleNotFoundError"),
        ("town_sms:broken", "RuntimeError: no licence"),
        ("town_sms:not_callable", "did not make a gateway"),
    ],
)
def test_a_gateway_that_cannot_be_used_is_bad_input(
    gateway_module: str, spec: str, says: str
) -> None:
    """A spec without a factory, a module that is not there, a factory that fails or
    makes no callable is refused naming --gateway and saying why."""
    with pytest.raises(InputError, match=says) as refused:
        load_gateway(spec)
    assert refused.value.problems[0].file == "--gateway"


def test_a_gateway_answering_for_other_messages_sends_none(store: Store) -> None:
    """A gateway that answers with another number of flags than messages marks all failed."""
    records = _logged(store, "P001")

    def confused(batch: Sequence[SmsRecord]) -> list[bool]:
        return [True, True]

    assert send_sms(store, records, confused, name="x") == (0, 1)


def test_a_text_is_logged_once_per_booking(store: Store) -> None:
    """Writing a booking's reminder again replaces a text not yet sent, and keeps one that
    was sent."""
    (first,) = _logged(store, "P001")
    item = Reminder(first.booking_id, "P001", "S1", "O1", START, "sms", "", "en")
    with store.write() as session:
        assert log_sms(session, item, "Remember") is not None
    assert sms_log(store)[["lang", "text"]].values.tolist() == [["en", "Remember"]]
    send_sms(store, [first], lambda batch: None, name="x")
    with store.write() as session:
        assert log_sms(session, item, "Again") is None
    assert sms_log(store)["text"].tolist() == ["Remember"]
