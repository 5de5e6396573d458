"""State of the follow-up tab: the contact person's tasks, attendance and histories.

Everything goes through ``matcher.store``'s public functions, the same as
``brobygger tasks`` and ``brobygger attend``: ``list_tasks`` (the tasks due
by the day worked on, and the open cases for the hospital-municipality
meeting), ``complete_task`` (a task closed with an outcome; the store's rules
make the next attempt or the escalation), ``record_attendance`` (a whole
group's attendance on one session date; two missed sessions in a row make a
call), ``set_status`` (a person who says "not now" is offered a next step
again in four weeks: a dated ``re_offer`` task) and, for one person's
history, ``outcomes``, ``list_tasks``, ``status_history`` and
``audit_trail``. The attendance already recorded is read from the audit
log, where the store writes every record and correction. The meeting's list
holds only the cases of people who consented to their case being shared
with the municipality (``has_consent(..., "share_municipality")``); the
others are named apart, for the hospital alone.

Each action runs through a ``runner.Runner``: its result reaches the traits
on the kernel's event loop. A refusal of the store (a date the session does
not meet on, a closed task) is kept as ``Problem``s in ``problems`` for the
page to word in its language next to the button; any other failure is the
runner's plain sentence, its traceback in the server's log.

``today`` is the day worked on (default: today): tasks due by it are shown,
attendance can be recorded up to it, and an unanswered call is tried again
counting from it (``brobygger tasks --as-of``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from traitlets import Any as AnyTrait
from traitlets import Bool, HasTraits, Instance, Unicode, directional_link

from ..dates import next_meeting_date
from ..errors import InputError, Problem
from ..store import Actor
from .followup_records import (
    ATTENDANCE,
    Closed,
    GroupSaved,
    History,
    Snapshot,
    attendance_records,
    empty_frame,
)
from .runner import Runner
from .state import DataState

__all__ = [
    "ACTOR",
    "MEETING_KINDS",
    "NOT_NOW",
    "RE_OFFER_WEEKS",
    "SHARE",
    "Closed",
    "FollowUpState",
    "GroupSaved",
    "History",
    "Snapshot",
]

#: Who the app's actions are written down as in the audit log, unless the staff
#: member's initials are given (on the Discharge tab, ``DischargeState.initials``).
ACTOR = Actor("app", "staff")
#: Task kinds taken up at the fortnightly hospital-municipality meeting: three
#: unanswered calls, and the people a stored plan left without a place or escalated.
MEETING_KINDS = ("escalate", "unplaced", "escalated")
#: The outcome "declines for now, offer again in ``RE_OFFER_WEEKS`` weeks": the task
#: is closed as ``declined`` and the status set to ``not_now`` with that date.
NOT_NOW = "not_now"
RE_OFFER_WEEKS = 4
#: The consent a case needs to be on the list for the meeting with the municipality.
SHARE = "share_municipality"


@dataclass
class _Outcome:
    """What an action's work hands back: its result, the store's refusals, the snapshot."""

    result: Any = None
    problems: tuple[Problem, ...] = ()
    snapshot: Snapshot | None = None
    history: History | None = None  # the history shown, read again after a change


class FollowUpState(HasTraits):
    """The contact person's follow-up: tasks, attendance, histories, the meeting list.

    ``db_url`` is the database (default: ``$BROBYGGER_DB``, else the store's
    default file); ``discharge``, when given, is the Discharge tab's state:
    a booking made there is shown here at once.
    """

    today = Instance(date)
    snapshot = AnyTrait(None, allow_none=True)  # Snapshot
    history = AnyTrait(None, allow_none=True)  # History
    #: What the last action did: a ``matcher.store.Completed`` or a ``GroupSaved``.
    done = AnyTrait(None, allow_none=True)
    #: Which action ran last: ``refresh``, ``complete``, ``attendance`` or ``history``.
    action = Unicode("")
    #: The store's refusals of the last action (worded by the page).
    problems = AnyTrait((), allow_none=False)
    busy = Bool(False)
    error = Unicode("")

    def __init__(
        self,
        data: DataState,
        db_url: str | None = None,
        *,
        discharge: HasTraits | None = None,
        today: Callable[[], date] = date.today,
        **kwargs: Any,
    ) -> None:
        super().__init__(today=today(), **kwargs)
        self.data = data
        self.db_url = db_url or os.environ.get("BROBYGGER_DB") or None
        self.runner = Runner(lang=lambda: self.data.lang)
        directional_link((self.runner, "busy"), (self, "busy"))
        directional_link((self.runner, "error"), (self, "error"))
        self._pending = False
        self.runner.observe(self._ended, names="busy")
        self.observe(lambda _: self.refresh(), names="today")
        self.discharge = discharge
        if discharge is not None:
            discharge.observe(lambda _: self.refresh(), names="booking")

    def actor(self) -> Actor:
        """Who acts: the staff member by the initials given on the Discharge tab,
        else the app (``ACTOR``)."""
        from ..store.audit import pseudonym_problem

        initials = str(getattr(self.discharge, "initials", "") or "").strip()
        if initials and pseudonym_problem(initials, "initials") is None:
            return Actor(initials, "staff")
        return ACTOR

    # -- the store ------------------------------------------------------------
    def _exists(self) -> bool:
        from ..store.db import database_exists, resolve_db_url

        return bool(database_exists(resolve_db_url(self.db_url)))

    def _read(self, day: date) -> Snapshot:
        """The snapshot as the store has it now (empty without a database; none is made)."""
        from ..store import (
            TASK_COLUMNS,
            active_bookings,
            audit_trail,
            booking_contact,
            has_consent,
            list_tasks,
            open_store,
        )

        if not self._exists():
            bookings = ("booking_id", "patient_id", "session_id", "offer_id", "start_date")
            meeting = empty_frame((*TASK_COLUMNS, "shared"))
            return Snapshot(
                empty_frame(TASK_COLUMNS), meeting, empty_frame(bookings), empty_frame(ATTENDANCE)
            )
        with open_store(self.db_url) as store:
            tasks = list_tasks(store, due_by=day)
            open_now = list_tasks(store)
            bookings = active_bookings(store)
            trail = audit_trail(store)
            meeting = open_now[open_now["kind"].isin(MEETING_KINDS)].reset_index(drop=True)
            shared = {p: has_consent(store, p, SHARE) for p in set(meeting["patient_id"])}
            contacts = {
                int(t): found
                for t, p, s in zip(
                    tasks["task_id"], tasks["patient_id"], tasks["session_id"], strict=True
                )
                if s and (found := booking_contact(store, p, s)) is not None
            }
        meeting["shared"] = [shared[p] for p in meeting["patient_id"]]
        attendance = attendance_records(trail)
        attendance = attendance[attendance["booking_id"].isin(bookings["booking_id"])]
        return Snapshot(tasks, meeting, bookings, attendance.reset_index(drop=True), contacts)

    def _start(self, action: str, work: Callable[[], _Outcome], background: bool) -> bool:
        def done(found: _Outcome) -> None:
            self.problems = found.problems
            if found.snapshot is not None:
                self.snapshot = found.snapshot
            if action == "history":
                self.history = found.result
            else:
                self.done = found.result
                if found.history is not None:
                    self.history = found.history

        if self.runner.busy:
            # a refresh asked for meanwhile (another day, a booking) follows the work
            self._pending = self._pending or action == "refresh"
            return False
        self.action = action
        self.problems = ()
        return self.runner.start(work, done, label=f"follow-up {action}", background=background)

    def _ended(self, change: Any) -> None:
        if not change["new"] and self._pending:
            self._pending = False
            self.refresh()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for background work (tests and scripts)."""
        self.runner.wait(timeout)

    # -- actions --------------------------------------------------------------
    def refresh(self, background: bool = True) -> bool:
        """Read the tasks, the meeting's cases, the bookings and their attendance again."""
        day = self.today
        return self._start("refresh", lambda: _Outcome(snapshot=self._read(day)), background)

    def complete(self, task_id: int, outcome: str, background: bool = True) -> bool:
        """Close task ``task_id`` with ``outcome``; the store's rules make what follows
        (``done`` is a ``Closed``: the next attempt or the escalation, if any).

        ``NOT_NOW`` closes it as ``declined`` and sets the status ``not_now`` with
        a date ``RE_OFFER_WEEKS`` weeks on: the store makes a ``re_offer`` task
        due then. Should the store refuse that status, the task stays closed
        and the refusal is shown."""
        from ..store import complete_task, open_store, set_status

        day, actor = self.today, self.actor()
        shown = self.history
        asked = "declined" if outcome == NOT_NOW else outcome

        def work() -> _Outcome:
            changed, again = None, None
            try:
                with open_store(self.db_url) as store:
                    found = complete_task(store, int(task_id), asked, actor=actor, today=day)
                    if outcome == NOT_NOW:
                        again = day + timedelta(weeks=RE_OFFER_WEEKS)
                        changed = set_status(
                            store,
                            found.patient_id,
                            "not_now",
                            actor=actor,
                            re_offer=again,
                            today=day,
                        )
            except InputError as exc:
                return _Outcome(problems=exc.problems, snapshot=self._read(day))
            closed = Closed(found, again, changed)
            return _Outcome(closed, snapshot=self._read(day), history=self._again(shown))

        return self._start("complete", work, background)

    def record_group(
        self, session_id: str, day: date, present: Mapping[int, bool], background: bool = True
    ) -> bool:
        """Save whether each booking of ``present`` (booking id: came) came to
        ``session_id`` on ``day``; a mark as already recorded is left as it is.
        Every mark the store accepts is kept even when it refuses another."""
        from ..store import open_store, record_attendance

        today, actor = self.today, self.actor()
        shown = self.history
        recorded = self._marks(day)
        marks = {int(b): bool(p) for b, p in present.items()}

        def work() -> _Outcome:
            problems: list[Problem] = []
            saved = {True: 0, False: 0}
            calls: list[tuple[int, str]] = []
            cancelled: list[int] = []
            unchanged = 0
            with open_store(self.db_url) as store:
                for booking_id, came in marks.items():
                    if recorded.get(booking_id) is came:
                        unchanged += 1
                        continue
                    try:
                        done = record_attendance(
                            store, booking_id, day, came, actor=actor, today=today
                        )
                    except InputError as exc:
                        problems.extend(p for p in exc.problems if p not in problems)
                        continue
                    saved[came] += 1
                    if done.call_task_id is not None:
                        calls.append((done.call_task_id, done.patient_id))
                    cancelled.extend(done.cancelled_task_ids)
            result = GroupSaved(
                session_id,
                day,
                saved[True],
                saved[False],
                unchanged,
                tuple(calls),
                tuple(cancelled),
            )
            return _Outcome(result, tuple(problems), self._read(today), self._again(shown))

        return self._start("attendance", work, background)

    def look_up(self, patient_id: str, background: bool = True) -> bool:
        """The history of ``patient_id`` (a pseudonym; a CPR number or a name is
        refused without being repeated)."""
        from ..store.audit import pseudonym_problem

        pid = patient_id.strip()
        why = pseudonym_problem(pid, "patient", None, "patient_id")
        if why is not None:
            self.action, self.problems, self.history = "history", (why,), None
            return False
        return self._start("history", lambda: _Outcome(self._history(pid)), background)

    def _again(self, shown: History | None) -> History | None:
        """The history shown, read again (None when none is shown)."""
        return None if shown is None else self._history(shown.patient_id)

    def _history(self, patient_id: str) -> History:
        from ..store import (
            TASK_COLUMNS,
            audit_trail,
            current_status,
            list_tasks,
            open_store,
            outcomes,
            status_history,
        )

        if not self._exists():
            empty = empty_frame(("booking_id", "offer_id", "session_id", "start_date", "status"))
            return History(patient_id, empty, empty_frame(ATTENDANCE), empty_frame(TASK_COLUMNS))
        with open_store(self.db_url) as store:
            held = outcomes(store)
            tasks = list_tasks(store, statuses=("open", "done", "cancelled"), patient_id=patient_id)
            trail = audit_trail(store, patient_id=patient_id)
            statuses = status_history(store, patient_id)
            now = current_status(store, patient_id)
        bookings = held[held["patient_id"] == patient_id].reset_index(drop=True)
        attendance = attendance_records(trail).merge(
            bookings[["booking_id", "offer_id", "session_id"]], on="booking_id", how="inner"
        )
        return History(
            patient_id, bookings, attendance, tasks.reset_index(drop=True), statuses, now
        )

    # -- attendance of a group ------------------------------------------------
    def _marks(self, day: date) -> dict[int, bool]:
        """What is recorded for ``day``, per booking."""
        snapshot = self.snapshot
        if snapshot is None:
            return {}
        rows = snapshot.attendance[snapshot.attendance["date"] == day]
        return {int(b): bool(p) for b, p in zip(rows["booking_id"], rows["present"], strict=True)}

    def _course(self, session_id: str) -> tuple[int | None, int]:
        """The weekday (0 = Monday) and weeks of ``session_id`` in the data (``None``
        and 0, open-ended, when the data does not have it)."""
        ds = self.data.dataset
        if ds is None:
            return None, 0
        rows = ds.sessions[ds.sessions["session_id"] == session_id]
        if not len(rows):
            return None, 0
        return int(rows["day"].iloc[0]), int(rows["weeks"].iloc[0] or 0)

    def _held(self, session_id: str) -> pd.DataFrame:
        snapshot = self.snapshot
        if snapshot is None:
            return empty_frame(("booking_id", "patient_id", "session_id", "offer_id", "start_date"))
        found = snapshot.bookings
        return found[found["session_id"] == session_id]

    def sessions(self) -> list[str]:
        """The sessions someone holds an active booking for, in the data's order
        (then those the data does not have)."""
        snapshot = self.snapshot
        if snapshot is None or not len(snapshot.bookings):
            return []
        held = list(dict.fromkeys(snapshot.bookings["session_id"]))
        ds = self.data.dataset
        order = {s: i for i, s in enumerate(ds.sessions["session_id"])} if ds is not None else {}
        return sorted(held, key=lambda s: (order.get(s, len(order)), s))

    def session_dates(self, session_id: str) -> list[date]:
        """The dates ``session_id`` met on for someone booked, from the first
        booking's start to the day worked on (and within each one's course),
        latest first."""
        held = self._held(session_id)
        if not len(held):
            return []
        weekday, weeks = self._course(session_id)
        starts = sorted(pd.Timestamp(s).date() for s in held["start_date"])
        first = starts[0]
        if weekday is not None:
            first = next_meeting_date(first, weekday)
        last = self.today
        if weeks:
            last = min(last, starts[-1] + timedelta(weeks=weeks, days=-1))
        found = []
        day = first
        while day <= last:
            found.append(day)
            day += timedelta(days=7)
        return found[::-1]

    def group(self, session_id: str, day: date) -> pd.DataFrame:
        """The people booked for ``session_id`` on ``day`` (their booking has
        started, and their course is not over), by pseudonym: ``booking_id,
        patient_id, start_date, recorded`` (True came, False stayed away, missing
        when not recorded)."""
        _weekday, weeks = self._course(session_id)
        held = self._held(session_id)
        marks = self._marks(day)
        rows = []
        for booking, patient, start in zip(
            held["booking_id"], held["patient_id"], held["start_date"], strict=True
        ):
            begun = pd.Timestamp(start).date()
            if begun > day or (weeks and day > begun + timedelta(weeks=weeks, days=-1)):
                continue
            rows.append((int(booking), str(patient), begun, marks.get(int(booking))))
        frame = pd.DataFrame(rows, columns=["booking_id", "patient_id", "start_date", "recorded"])
        frame["recorded"] = frame["recorded"].astype("boolean")
        return frame.sort_values("patient_id", kind="stable").reset_index(drop=True)
