"""Reminders before a booking's first session: by the patient's channel, SMS only with
consent (refused rows listed and called instead), nothing sent by default, a gateway
called with phone-less records, and each text sent once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from builders import patient, write
from store_support import dataset_dir

from matcher import load_dataset
from matcher.dataset.load import Dataset
from matcher.store import Actor, audit_trail, book_from_dataset, cancel, give_consent, open_store
from matcher.store.db import Store
from matcher.store.reminders import due_reminders, write_reminders
from matcher.store.sms import SmsRecord, sms_log

#: The Friday before S1's first Monday (2027-01-04).
TODAY = date(2027, 1, 1)
NURSE = Actor("AB", "nurse")


@pytest.fixture
def booked(tmp_path: Path) -> Iterator[tuple[Store, Dataset]]:
    """P001 by letter (Arabic first), P002 and P003 by SMS (only P002 consented), P004 by
    phone in the evening, P005 not given; each booked into S1 with a contact person."""
    root = dataset_dir(tmp_path / "data")
    write(
        root,
        "patients.csv",
        [
            patient(patient_id="P001", contact_channel="letter", languages="ar;da"),
            patient(patient_id="P002", contact_channel="sms"),
            patient(patient_id="P003", contact_channel="sms"),
            patient(patient_id="P004", contact_channel="phone", call_time="evening"),
            patient(patient_id="P005"),
        ],
    )
    dataset = load_dataset(root)
    store = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for pid in ("P001", "P002", "P003", "P004", "P005"):
        book_from_dataset(store, dataset, pid, "S1", contact_name="Anne", contact_phone="66123456")
    give_consent(store, "P002", "sms", actor=NURSE, on=date(2026, 1, 5))
    yield store, dataset
    store.close()


def test_each_patient_is_reminded_the_way_they_are_reached(
    booked: tuple[Store, Dataset], tmp_path: Path
) -> None:
    """A letter for letter, a logged text for sms with consent, the call list for phone and
    for a channel not given, each once; the letter is in the patient's first language."""
    store, dataset = booked
    done = write_reminders(store, dataset, tmp_path / "out", today=TODAY, days=7)
    assert done.due == 5
    assert [p.name for p in done.letters] == ["P001_1.html"]
    assert 'lang="ar"' in done.letters[0].read_text(encoding="utf-8")
    assert done.texts["patient_id"].tolist() == ["P002"]
    calls = done.calls.set_index("patient_id")
    assert sorted(calls.index) == ["P003", "P004", "P005"]
    assert calls.loc["P004", ["channel", "call_time", "note"]].tolist() == ["phone", "evening", ""]
    assert calls.loc["P004", ["contact_name", "contact_phone"]].tolist() == ["Anne", "66 12 34 56"]
    written = pd.read_csv(tmp_path / "out" / "calls.csv", dtype=str, keep_default_na=False)
    assert written["patient_id"].tolist() == done.calls["patient_id"].tolist()
    assert (tmp_path / "out" / "calls.xlsx").is_file()


def test_an_sms_without_consent_is_refused_listed_and_called(
    booked: tuple[Store, Dataset], tmp_path: Path
) -> None:
    """SMS needs the sms consent: P003's text is not written, the refusal is listed in
    refused.csv with the reason, and P003 is on the call list instead."""
    store, dataset = booked
    done = write_reminders(store, dataset, tmp_path / "out", today=TODAY, days=7)
    refused = pd.read_csv(tmp_path / "out" / "refused.csv", dtype=str, keep_default_na=False)
    assert refused[["patient_id", "reason", "instead"]].values.tolist() == [
        ["P003", "no_sms_consent", "call"]
    ]
    assert done.calls.set_index("patient_id").loc["P003", "note"] == "no_sms_consent"
    assert "P003" not in sms_log(store)["patient_id"].tolist()


def test_nothing_is_sent_by_default(booked: tuple[Store, Dataset], tmp_path: Path) -> None:
    """Without a gateway the text stays written, not sent, in the log and in sms.csv."""
    store, dataset = booked
    done = write_reminders(store, dataset, tmp_path / "out", today=TODAY, days=7)
    assert (done.sent, done.failed) == (0, 0)
    assert sms_log(store)["status"].tolist() == ["written"]
    texts = pd.read_csv(tmp_path / "out" / "sms.csv", dtype=str, keep_default_na=False)
    assert texts["status"].tolist() == ["written"]
    assert "sms_sent" not in audit_trail(store)["action"].tolist()


def test_a_gateway_gets_phone_less_records_and_each_text_once(
    booked: tuple[Store, Dataset], tmp_path: Path
) -> None:
    """A plugged-in gateway is called with the pseudonym, booking, language and text (no
    phone number of the patient); the text is marked sent and never sent again."""
    store, dataset = booked
    calls: list[Sequence[SmsRecord]] = []

    def gateway(records: Sequence[SmsRecord]) -> None:
        calls.append(records)

    done = write_reminders(
        store, dataset, tmp_path / "out", today=TODAY, days=7, gateway=gateway, gateway_name="gw"
    )
    ((record,),) = calls
    assert (record.patient_id, record.booking_id, record.lang) == ("P002", 2, "da")
    assert set(vars(record)) == {"message_id", "patient_id", "booking_id", "lang", "text"}
    assert (done.sent, done.failed) == (1, 0)
    assert sms_log(store)[["status", "gateway"]].values.tolist() == [["sent", "gw"]]
    again = write_reminders(
        store, dataset, tmp_path / "out", today=TODAY, days=7, gateway=gateway, gateway_name="gw"
    )
    assert len(calls) == 1 and again.already_sent == (2,) and again.texts.empty


def test_a_failing_gateway_leaves_the_text_to_send_again(
    booked: tuple[Store, Dataset], tmp_path: Path
) -> None:
    """A gateway that raises marks the text failed with the error's type; the next run sends
    it again."""
    store, dataset = booked

    def broken(records: Sequence[SmsRecord]) -> None:
        raise ConnectionError("down")

    done = write_reminders(store, dataset, tmp_path / "o", today=TODAY, days=7, gateway=broken)
    assert (done.sent, done.failed) == (0, 1)
    assert sms_log(store)[["status", "detail"]].values.tolist() == [["failed", "ConnectionError"]]
    done = write_reminders(
        store, dataset, tmp_path / "o", today=TODAY, days=7, gateway=lambda records: [True]
    )
    assert done.sent == 1 and sms_log(store)["status"].tolist() == ["sent"]


def test_only_active_bookings_starting_within_the_days_are_reminded(
    booked: tuple[Store, Dataset],
) -> None:
    """A booking starting after the days, before today, or cancelled gets no reminder."""
    store, dataset = booked
    assert due_reminders(store, dataset, today=TODAY, days=2) == []
    assert due_reminders(store, dataset, today=date(2027, 1, 5), days=30) == []
    cancel(store, 5)
    due = due_reminders(store, dataset, today=TODAY, days=3)
    assert [r.patient_id for r in due] == ["P001", "P002", "P003", "P004"]
    assert due[0].lang == "ar" and due[3].call_time == "evening"


def test_the_store_keeps_no_patient_phone_and_audits_by_pseudonym(
    booked: tuple[Store, Dataset], tmp_path: Path
) -> None:
    """The send log has no phone column, and every reminder is an audit entry naming only
    the pseudonym."""
    store, dataset = booked
    write_reminders(store, dataset, tmp_path / "out", today=TODAY, days=7, actor=NURSE)
    assert not [c for c in sms_log(store).columns if "phone" in c]
    trail = audit_trail(store)
    reminded = trail[trail["action"].isin(["letter_written", "sms_written", "reminder_call"])]
    assert sorted(reminded["patient_id"]) == ["P001", "P002", "P003", "P004", "P005"]
    assert set(reminded["actor"]) == {"AB"}
