"""The rules that create follow-up tasks, and close or cancel them as bookings change.

The rules (each a small function below, all parameters in ``TaskRules``):

- ``rule_follow_up_after_booking``: a phone call two months after the start
  (003:749-767), and checks of "still taking part" at 3 and 6 months;
- ``rule_call_after_missed``: a call when the patient has missed two sessions
  in a row (000:2962-3008: nobody stays away without being contacted). It
  follows the attendance as it now stands: when a correction means a run of
  absences is no longer there, the open call about it is cancelled, saying so;
- ``rule_call_again_or_escalate``: a call nobody answers is tried again;
  after three unanswered calls the patient is escalated to a person
  (000:2973: "we have called them three times");
- ``rule_plan_follow_up``: every patient a stored plan left ``unplaced`` or
  ``escalated`` gets a task for the fortnightly hospital-municipality
  meeting (001), and an escalated one also a task to inform the GP, whatever
  the consents (000:3015-3030: the duty to inform the GP of a suicide risk).

A call nobody answered is tried again in another part of the day
(000:2159-2164): the next attempt records in ``call_time`` the part of the day
after the one of the missed call (morning, afternoon, evening, then morning
again). The calls about a booking start at the patient's best time to call,
when it was given at booking.

``close_on_booking`` and ``cancel_for_booking`` keep the open tasks in step
with bookings. Tasks are listed, completed and exported in ``tasks``. Notes
carry rule text only: never a vulnerability flag, never a name.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain import CALL_TIMES
from .audit import SYSTEM, Actor, record
from .models import Attendance, Booking, Task, utcnow

__all__ = [
    "CALL_KINDS",
    "CALL_TIMES",
    "CONFIRM_STEP",
    "DEFAULT_RULES",
    "GP_LETTER",
    "INFORM_GP",
    "OUTCOMES",
    "OUTCOME_KINDS",
    "RETRY_OUTCOMES",
    "RE_OFFER",
    "TaskRules",
    "add_months",
    "cancel_for_booking",
    "close_on_booking",
    "new_task",
    "next_call_time",
    "part_of_day",
    "rule_call_after_missed",
    "rule_call_again_or_escalate",
    "rule_follow_up_after_booking",
    "rule_plan_follow_up",
]

# every event of a task's life is logged under one name, however it came about
log = logging.getLogger("matcher.store.tasks")

CALL_MISSED = "call_missed"
FOLLOW_UP_CALL = "follow_up_call"
OUTCOME_3M = "outcome_3m"
OUTCOME_6M = "outcome_6m"
ESCALATE = "escalate"
PLAN_UNPLACED = "unplaced"
PLAN_ESCALATED = "escalated"
#: A call to offer a next step again, due on the date a ``not_now`` status gave.
RE_OFFER = "re_offer"
#: Inform the GP of an escalated patient: a duty, needing no consent.
INFORM_GP = "inform_gp"
#: Write to the GP about absences (needs the patient's ``gp_on_absence`` consent).
GP_LETTER = "gp_letter"
#: A call to confirm a provisional later step of a pathway (``steps``).
CONFIRM_STEP = "confirm_step"

#: Tasks that are phone calls: each can go unanswered and be tried again.
CALL_KINDS: tuple[str, ...] = (
    CALL_MISSED,
    FOLLOW_UP_CALL,
    OUTCOME_3M,
    OUTCOME_6M,
    RE_OFFER,
    CONFIRM_STEP,
)
#: Months after the start at which "still taking part" is checked, by task kind.
OUTCOME_KINDS: dict[str, int] = {OUTCOME_3M: 3, OUTCOME_6M: 6}
#: Outcomes of a call that reached nobody: the call is tried again (or escalated).
RETRY_OUTCOMES: tuple[str, ...] = ("no_answer", "not_reached")
_CALL = ("reached", "no_answer", "not_reached", "declined", "moved", "stopped")
_CHECK = ("taking_part", "stopped", "no_answer", "not_reached", "moved")
#: Outcomes a task of each kind may be closed with (the first is the default).
OUTCOMES: dict[str, tuple[str, ...]] = {
    CALL_MISSED: _CALL,
    FOLLOW_UP_CALL: _CALL,
    OUTCOME_3M: _CHECK,
    OUTCOME_6M: _CHECK,
    RE_OFFER: _CALL,
    ESCALATE: ("done", "reached", "not_reached", "declined", "stopped"),
    PLAN_UNPLACED: ("done", "booked", "reached", "not_reached", "declined", "stopped"),
    PLAN_ESCALATED: ("done", "reached", "not_reached", "declined", "stopped"),
    INFORM_GP: ("done",),
    GP_LETTER: ("done",),
    CONFIRM_STEP: ("confirmed", "dropped", "no_answer", "not_reached"),
}


def part_of_day(moment: datetime) -> str:
    """The part of the day of ``moment`` (local time): ``morning`` before 12,
    ``afternoon`` before 16, else ``evening`` (the app's formiddag, eftermiddag, aften)."""
    hour = moment.hour
    return CALL_TIMES[0] if hour < 12 else CALL_TIMES[1] if hour < 16 else CALL_TIMES[2]


def next_call_time(last: str) -> str:
    """The part of the day to call in after a call in ``last`` nobody answered: the
    next one, never the same (morning, afternoon, evening, then morning again)."""
    return CALL_TIMES[(CALL_TIMES.index(last) + 1) % len(CALL_TIMES)]


@dataclass(frozen=True)
class TaskRules:
    """The numbers behind the follow-up rules (documented defaults).

    Attributes
    ----------
    missed_in_a_row
        Absences in a row that call for a phone call (sessions).
    max_calls
        Unanswered calls before the patient is escalated to a person.
    retry_days
        Days until an unanswered call is tried again.
    call_after_miss_days
        Days after the missed session that completes the streak until the call is due.
    follow_up_months
        Months after the start of the follow-up call.
    outcome_months
        Months after the start at which "still taking part" is checked.
    confirm_days_before
        Days before a provisional step starts that its confirming call is due at the
        latest (it is due when the step before ends, if that is sooner).
    """

    missed_in_a_row: int = 2
    max_calls: int = 3
    retry_days: int = 2
    call_after_miss_days: int = 1
    follow_up_months: int = 2
    outcome_months: tuple[int, ...] = (3, 6)
    confirm_days_before: int = 7


#: The documented defaults (frozen, so safe to share).
DEFAULT_RULES = TaskRules()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clamped to the month's end)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def new_task(
    session: Session,
    kind: str,
    patient_id: str,
    due: date,
    note: str,
    *,
    booking_id: int | None = None,
    plan_id: int | None = None,
    attempt: int = 1,
    cause_date: date | None = None,
    actor: Actor = SYSTEM,
    call_time: str | None = None,
) -> Task:
    """A new open task, flushed so it has its id, with its audit record."""
    task = Task(
        kind=kind,
        patient_id=patient_id,
        booking_id=booking_id,
        plan_id=plan_id,
        due_date=due,
        status="open",
        attempt=attempt,
        created_at=utcnow(),
        note=note,
        cause_date=cause_date,
        call_time=call_time,
    )
    session.add(task)
    session.flush()
    record(session, actor, "create", "task", task.id, patient_id=patient_id, detail=kind)
    log.info("task %d (%s) for patient %s due %s", task.id, kind, patient_id, due)
    return task


def rule_follow_up_after_booking(
    session: Session,
    booking: Booking,
    rules: TaskRules = DEFAULT_RULES,
    *,
    call_time: str | None = None,
) -> list[Task]:
    """A follow-up call ``follow_up_months`` after the start, and the checks of
    "still taking part" at each of ``outcome_months``; each call planned for
    ``call_time``, the patient's best part of the day to call (if given)."""
    made = [
        new_task(
            session,
            FOLLOW_UP_CALL,
            booking.patient_id,
            add_months(booking.start_date, rules.follow_up_months),
            f"follow-up call {rules.follow_up_months} months after the start",
            booking_id=booking.id,
            call_time=call_time,
        )
    ]
    for months in rules.outcome_months:
        kind = {3: OUTCOME_3M, 6: OUTCOME_6M}.get(months)
        if kind is None:
            continue
        made.append(
            new_task(
                session,
                kind,
                booking.patient_id,
                add_months(booking.start_date, months),
                f"is the patient still taking part {months} months after the start?",
                booking_id=booking.id,
                call_time=call_time,
            )
        )
    return made


def _missed_note(rules: TaskRules, run_start: date) -> str:
    """The note of a call about the run of absences that began on ``run_start``."""
    return f"missed {rules.missed_in_a_row} sessions in a row (from {run_start}): call"


# the words an unanswered call's next attempt puts before the original reason
_AGAIN = re.compile(r"^(?:call again \(attempt \d+ of \d+\): )+")


def _again_note(attempt: int, rules: TaskRules, note: str) -> str:
    """The note of call ``attempt``: the attempt, then the original reason once."""
    return f"call again (attempt {attempt} of {rules.max_calls}): {_AGAIN.sub('', note)}"


@dataclass(frozen=True)
class _Run:
    """A run of missed sessions in a row: its first and last date, and the
    recorded session just before it (the patient came then), if any."""

    start: date
    end: date
    trigger: date
    before: date | None

    def holds(self, day: date) -> bool:
        """Whether a call about the run that began on ``day`` is about this run:
        ``day`` is in it, or is the session just before it (corrected to present)."""
        return self.start <= day <= self.end or day == self.before


def _absence_runs(records: Sequence[tuple[date, bool]], rules: TaskRules) -> list[_Run]:
    """Every run of at least ``missed_in_a_row`` missed sessions in a row."""
    runs, streak = [], 0
    for i, (_day, present) in enumerate([*records, (date.max, True)]):
        if not present:
            streak += 1
            continue
        if streak >= rules.missed_in_a_row:
            first = i - streak
            runs.append(
                _Run(
                    records[first][0],
                    records[i - 1][0],
                    records[first + rules.missed_in_a_row - 1][0],
                    records[first - 1][0] if first > 0 else None,
                )
            )
        streak = 0
    return runs


def rule_call_after_missed(
    session: Session,
    booking: Booking,
    rules: TaskRules = DEFAULT_RULES,
    *,
    actor: Actor = SYSTEM,
) -> tuple[list[Task], list[Task]]:
    """Calls after missed sessions, derived from the attendance as it now stands.

    Every run of ``missed_in_a_row`` or more missed sessions gets one call
    (due ``call_after_miss_days`` after the session that completes the run),
    unless a call about it is open or was made. An open call whose run of
    absences is no longer there (a missed session corrected to present) is
    cancelled, its note saying why; so is a second open call about one run
    (two runs joined by a correction to absent). Escalations stay: a person
    acts on those. Returns the calls made and the calls cancelled.
    """
    records = [
        (day, bool(present))
        for day, present in session.execute(
            select(Attendance.date, Attendance.present)
            .where(Attendance.booking_id == booking.id)
            .order_by(Attendance.date)
        )
    ]
    runs = _absence_runs(records, rules)
    calls = session.scalars(
        select(Task)
        .where(
            Task.booking_id == booking.id,
            Task.kind == CALL_MISSED,
            Task.status.in_(("open", "done")),
        )
        .order_by(Task.id)
    ).all()
    cancelled: list[Task] = []
    claimed: dict[date, Task] = {}
    for task in calls:
        if task.status != "open" or task.cause_date is None:
            continue
        run = next((r for r in runs if r.holds(task.cause_date)), None)
        if run is None or run.start in claimed:
            why = (
                f"the same missed sessions as task {claimed[run.start].id}"
                if run is not None
                else "the attendance was corrected and there are no longer "
                f"{rules.missed_in_a_row} missed sessions in a row"
            )
            task.status, task.done_at = "cancelled", utcnow()
            task.note = f"{task.note}; cancelled: {why}"
            record(
                session,
                actor,
                "cancel",
                "task",
                task.id,
                patient_id=task.patient_id,
                detail="attendance corrected",
            )
            log.info("task %d (%s) cancelled: attendance corrected", task.id, task.kind)
            cancelled.append(task)
            continue
        claimed[run.start] = task
        if task.cause_date != run.start:  # the run now begins a session later
            task.cause_date = run.start
            note = _missed_note(rules, run.start)
            task.note = note if task.attempt == 1 else _again_note(task.attempt, rules, note)
    made = []
    for run in runs:
        covered = run.start in claimed or any(
            (t.cause_date is not None and run.holds(t.cause_date))
            # a call stored without its run: the old rule, due after the run began
            or (t.cause_date is None and t.due_date > run.start)
            for t in calls
            if t.status in ("open", "done") and t not in cancelled
        )
        if covered:
            continue
        made.append(
            new_task(
                session,
                CALL_MISSED,
                booking.patient_id,
                run.trigger + timedelta(days=rules.call_after_miss_days),
                _missed_note(rules, run.start),
                booking_id=booking.id,
                cause_date=run.start,
                call_time=preferred_call_time(session, booking.id),
            )
        )
    return made, cancelled


def preferred_call_time(session: Session, booking_id: int) -> str | None:
    """The patient's best part of the day to call, as given when ``booking_id`` was
    made: the ``call_time`` of the booking's first task that has one."""
    return session.scalar(
        select(Task.call_time)
        .where(Task.booking_id == booking_id, Task.call_time.is_not(None), Task.attempt == 1)
        .order_by(Task.id)
        .limit(1)
    )


def rule_call_again_or_escalate(
    session: Session,
    task: Task,
    today: date,
    rules: TaskRules = DEFAULT_RULES,
    *,
    called: str | None = None,
) -> Task:
    """After an unanswered call: the next attempt, or after ``max_calls``
    unanswered calls an escalation to a person. The next attempt's note says
    the attempt and the original reason once, and its ``call_time`` the part of
    the day after ``called``, the part of the day the unanswered call was made in."""
    if task.attempt < rules.max_calls:
        return new_task(
            session,
            task.kind,
            task.patient_id,
            today + timedelta(days=rules.retry_days),
            _again_note(task.attempt + 1, rules, task.note),
            booking_id=task.booking_id,
            plan_id=task.plan_id,
            attempt=task.attempt + 1,
            cause_date=task.cause_date,
            call_time=next_call_time(called) if called in CALL_TIMES else None,
        )
    return new_task(
        session,
        ESCALATE,
        task.patient_id,
        today,
        f"{rules.max_calls} calls without an answer ({task.kind.replace('_', ' ')}): "
        "a person decides, at the hospital-municipality meeting if need be",
        booking_id=task.booking_id,
        plan_id=task.plan_id,
    )


def rule_plan_follow_up(
    session: Session, plan_id: int | None, rows: Iterable[tuple[str, str, str]], today: date
) -> list[Task]:
    """A task for every ``unplaced`` or ``escalated`` patient of a stored plan
    (``rows``: patient_id, status, reason), unless one is already open for
    them or an unplaced patient has a booking already."""
    booked = set(session.scalars(select(Booking.patient_id).where(Booking.status == "active")))
    open_now: set[tuple[str, str]] = {
        (pid, kind)
        for pid, kind in session.execute(
            select(Task.patient_id, Task.kind).where(Task.status == "open")
        )
    }
    # the GP is informed once; an open or done task to do so is enough
    informed = set(
        session.scalars(
            select(Task.patient_id).where(Task.kind == INFORM_GP, Task.status != "cancelled")
        )
    )
    made = []
    for patient_id, status, reason in rows:
        wanted = []
        if status == "escalated":
            wanted = [
                (PLAN_ESCALATED, "marked escalate: a person must act before any match"),
                (INFORM_GP, "marked escalate: inform the GP (a duty; no consent needed)"),
            ]
        elif status == "unplaced" and patient_id not in booked:
            reason = reason or "no reason given"
            wanted = [(PLAN_UNPLACED, f"no place in plan {plan_id}: {reason}")]
        for kind, note in wanted:
            if (patient_id, kind) in open_now or (kind == INFORM_GP and patient_id in informed):
                continue
            made.append(new_task(session, kind, patient_id, today, note, plan_id=plan_id))
            open_now.add((patient_id, kind))
    return made


def close_on_booking(session: Session, patient_id: str) -> None:
    """Close the patient's open ``unplaced`` tasks: a place is booked now."""
    session.execute(
        update(Task)
        .where(Task.patient_id == patient_id, Task.kind == PLAN_UNPLACED, Task.status == "open")
        .values(status="done", outcome="booked", done_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def cancel_for_booking(session: Session, booking_id: int) -> None:
    """Cancel the open tasks of a cancelled booking, except escalations: a
    person still has to act on those."""
    session.execute(
        update(Task)
        .where(Task.booking_id == booking_id, Task.status == "open", Task.kind != ESCALATE)
        .values(status="cancelled", done_at=utcnow())
        .execution_options(synchronize_session=False)
    )
