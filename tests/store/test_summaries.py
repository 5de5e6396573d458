"""The status summary per referrer and the meeting list: who is on them, the counts, and
the consent to share with the municipality."""

from __future__ import annotations

from datetime import date

import pytest
from store_support import START, plan_rows

from matcher.store import Actor, book, give_consent, record_plan, set_status
from matcher.store.db import Store
from matcher.store.summaries import meeting_list, status_counts, status_summary

NURSE = Actor("AB", "nurse")
TODAY = date(2027, 1, 4)


def _share(store: Store, *patients: str) -> None:
    for pid in patients:
        give_consent(store, pid, "share_municipality", actor=NURSE, on=date(2026, 1, 5))


def test_the_summary_is_per_referrer_and_counts_each_status(store: Store) -> None:
    """The summary lists each referred patient under their referrer with status and since;
    the counts give each referrer's patients per status and in all."""
    set_status(store, "P001", "referred", referrer="OUH-B2", actor=NURSE)
    set_status(store, "P002", "referred", referrer="OUH-B2", actor=NURSE)
    set_status(store, "P002", "offered", actor=NURSE)
    set_status(store, "P003", "offered", referrer="GP-7", actor=NURSE)
    rows = status_summary(store).rows
    assert rows[["referrer", "patient_id", "status"]].values.tolist() == [
        ["GP-7", "P003", "offered"],
        ["OUH-B2", "P001", "referred"],
        ["OUH-B2", "P002", "offered"],
    ]
    assert status_summary(store, referrer="GP-7").rows["patient_id"].tolist() == ["P003"]
    counts = status_counts(rows).set_index("referrer")
    assert counts.loc["OUH-B2", ["referred", "offered", "booked", "total"]].tolist() == [1, 1, 0, 2]
    assert counts.loc["GP-7", "total"] == 1


def test_the_summary_for_the_municipality_needs_consent(store: Store) -> None:
    """For the municipality only patients with share_municipality are kept; the others are
    named as left out, with the consent they lack."""
    for pid in ("P001", "P002", "P003"):
        set_status(store, pid, "referred", actor=NURSE)
    _share(store, "P002")
    shared = status_summary(store, for_municipality=True)
    assert shared.rows["patient_id"].tolist() == ["P002"]
    assert (shared.left_out, shared.purpose) == (("P001", "P003"), "share_municipality")
    assert status_summary(store).left_out == ()


@pytest.mark.parametrize(
    ("re_offer", "listed"),
    [(date(2027, 1, 18), True), (date(2027, 1, 19), False)],
)
def test_not_now_is_on_the_meeting_list_when_due_by_the_next_meeting(
    store: Store, re_offer: date, listed: bool
) -> None:
    """A not_now patient is on the list when the date to offer again falls within the 14
    days to the next meeting, and not after."""
    set_status(store, "P001", "not_now", re_offer=re_offer, actor=NURSE, today=TODAY)
    _share(store, "P001")
    rows = meeting_list(store, today=TODAY).rows
    assert (rows["patient_id"].tolist() == ["P001"]) is listed
    if listed:
        assert rows.loc[0, "why"] == "re_offer"


def test_the_meeting_list_holds_the_patients_in_transition(store: Store) -> None:
    """Open cases, unplaced and escalated patients are on the list; a patient who has
    started is not; each row says why and names the open tasks."""
    record_plan(store, plan_rows(), today=TODAY)  # P002, P004 unplaced; P003 escalated
    set_status(store, "P005", "offered", actor=NURSE)
    book(store, "P006", "S1", START)
    set_status(store, "P006", "started", actor=NURSE)
    _share(store, "P002", "P003", "P004", "P005", "P006")
    rows = meeting_list(store, today=TODAY).rows.set_index("patient_id")
    assert rows["why"].to_dict() == {
        "P002": "unplaced",
        "P003": "escalated",
        "P004": "unplaced",
        "P005": "open",
    }
    assert rows.loc["P003", "open_tasks"] == "escalated; inform_gp"
    assert rows.loc["P002", "next_due"] == TODAY


def test_the_meeting_list_leaves_out_who_did_not_consent(store: Store) -> None:
    """The meeting list is for the municipality: a patient in transition without the
    share_municipality consent is left out and named."""
    set_status(store, "P001", "referred", actor=NURSE)
    set_status(store, "P002", "referred", actor=NURSE)
    _share(store, "P002")
    shared = meeting_list(store, today=TODAY)
    assert shared.rows["patient_id"].tolist() == ["P002"]
    assert shared.left_out == ("P001",)
