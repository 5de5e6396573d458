"""The contact person's view: today's follow-up, attendance, a person's history
and the list for the hospital-municipality meeting.

Four sections, each a heading: the tasks due by the day worked on (a
``PeopleTable``: when, who, what to do, why, the offer by name, how to make
contact and what to say), with a task to close by an outcome in plain
words; a session's attendance on one date for its whole group at once
(ticked for those who came); a person's bookings, attendance and tasks,
found by pseudonym; and the open cases for the fortnightly meeting, to
download as CSV or Excel or print. Every control is a labelled widget, so
it works by keyboard; what a button started says how it went next to it, a
refusal in the page's language, a failure as a plain sentence (its
traceback in the server's log).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import ipywidgets as w
import pandas as pd

from ...words.app import text
from ...words.formats import long_date, shown_date, typed_date
from ...words.problems import problem_text
from ..followup import FollowUpState
from ..state import DataState
from .common import message, set_options
from .followup_lists import (
    PrintButton,
    history_tables,
    meeting_document,
    meeting_table,
    pseudonyms,
    status_now_words,
    tasks_table,
)
from .followup_tables import (
    RULES,
    done_words,
    outcome_choices,
    session_label,
    task_words,
    when_words,
)
from .table import PeopleTable

__all__ = ["FollowUpView"]

_STYLE = """<style>
.bb-followup .bb-task-card p { margin: 2px 0 6px 0; max-width: 60em; line-height: 1.45; }
.bb-followup .bb-task-card .bb-who { font-weight: 700; font-size: 14px; }
.bb-followup .bb-hint, .bb-followup .bb-msg { line-height: 1.45; }
.bb-followup .widget-dropdown { width: auto !important; max-width: 100%; }
.bb-followup .widget-dropdown select { min-width: 12em; max-width: 100%; }
.bb-followup .widget-radio-box { flex-flow: row wrap; gap: 0 16px; }
.bb-followup .bb-person { align-items: center; gap: 8px; }
.bb-followup .bb-row { flex-flow: row wrap; align-items: center; gap: 4px 8px; }
.bb-followup .widget-button { flex-shrink: 0; width: auto; }
.bb-print-list[disabled] { color: #777; cursor: default; }
.bb-followup .bb-people .bb-table td.bb-wide { min-width: 10em; }
</style>"""


def _row(*widgets: w.Widget) -> w.HBox:
    box = w.HBox(list(widgets))
    box.add_class("bb-row")
    return box


def _choose(widget: w.Dropdown, options: list[tuple[str, Any]]) -> None:
    """New options, keeping the one chosen; the first when none was (or it went)."""
    set_options(widget, options)
    if widget.value is None and options:
        widget.value = options[0][1]
    widget.disabled = not options


def _problems(problems: Any, lang: str) -> str:
    return "".join(
        f"<div class='bb-field-error' role='alert'>{html.escape(problem_text(p, lang))}</div>"
        for p in problems
    )


class FollowUpView(w.VBox):
    """Tasks to do, attendance, a person's history and the meeting's list."""

    def __init__(self, data: DataState, state: FollowUpState) -> None:
        self.data, self.state = data, state
        self._quiet = False  # options are being set: their observers wait
        self._group_key: tuple[Any, ...] = ()
        #: What each action said last (busy, error, problems, done, day), to word again.
        self._last: dict[str, tuple[Any, ...]] = {}
        wide = {"description_width": "initial"}
        self.headings = {
            k: w.HTML() for k in ("fu_heading_tasks", "fu_heading_close", "fu_heading_attendance")
        }
        self.headings |= {k: w.HTML() for k in ("fu_heading_history", "fu_heading_meeting")}
        #: The day worked on, typed day first like every date in the app ("03.12.2026").
        self.day = w.Text(continuous_update=False, style=wide)
        self.day_error = w.HTML()
        self._bad_day = ""  # what was typed when it could not be read as a date
        self.refresh_button = w.Button(icon="refresh")
        self.day_hint = w.HTML()
        self.refresh_status = w.HTML()
        self.tasks = PeopleTable(page_size=50)
        self.task = w.Dropdown(options=[], style=wide)
        self.card = w.HTML()
        self.outcome = w.RadioButtons(options=[], value=None, style=wide)
        self.save_outcome = w.Button(button_style="primary", disabled=True)
        self.outcome_status = w.HTML()
        self.session = w.Dropdown(options=[], style=wide)
        self.date = w.Dropdown(options=[], style=wide)
        self.group_hint = w.HTML()
        self.people = w.VBox()
        self.marks: dict[int, w.Checkbox] = {}
        self.all_present, self.all_absent = w.Button(), w.Button()
        self.save_attendance = w.Button(button_style="primary", disabled=True)
        self.attendance_status = w.HTML()
        self.patient = w.Combobox(options=[], ensure_option=False, continuous_update=False)
        self.patient.style = wide
        self.show_history = w.Button()
        self.history_status = w.HTML()
        self.history_title = w.HTML()
        self.history = [PeopleTable(page_size=50) for _ in range(4)]
        self.meeting_hint = w.HTML()
        self.meeting = PeopleTable(page_size=200)
        self.withheld = w.HTML()
        self.print_button = PrintButton()
        self.statuses = {
            "refresh": self.refresh_status,
            "complete": self.outcome_status,
            "attendance": self.attendance_status,
            "history": self.history_status,
        }
        self.day.observe(self._pick_day, names="value")
        self.refresh_button.on_click(lambda _: self.state.refresh())
        self.task.observe(self._pick_task, names="value")
        self.outcome.observe(self._buttons, names="value")
        self.save_outcome.on_click(self._complete)
        self.session.observe(self._pick_session, names="value")
        self.date.observe(self._render_group, names="value")
        self.all_present.on_click(lambda _: self._tick_all(True))
        self.all_absent.on_click(lambda _: self._tick_all(False))
        self.save_attendance.on_click(self._save_attendance)
        self.patient.observe(lambda _: self._look_up(), names="value")
        self.show_history.on_click(lambda _: self._look_up())
        state.observe(self._render_snapshot, names="snapshot")
        state.observe(self._render_history, names="history")
        state.observe(self._status, names=["busy", "error", "problems", "done"])
        state.observe(self._sync_day, names="today")
        data.observe(self._relabel, names="lang")
        data.observe(self._render_snapshot, names="version")
        h = self.headings
        super().__init__(
            [
                w.HTML(_STYLE),
                h["fu_heading_tasks"],
                _row(self.day, self.refresh_button, self.refresh_status),
                self.day_error,
                self.day_hint,
                self.tasks,
                h["fu_heading_close"],
                self.task,
                self.card,
                self.outcome,
                _row(self.save_outcome, self.outcome_status),
                h["fu_heading_attendance"],
                _row(self.session, self.date),
                self.group_hint,
                self.people,
                _row(self.all_present, self.all_absent, self.save_attendance),
                self.attendance_status,
                h["fu_heading_history"],
                _row(self.patient, self.show_history, self.history_status),
                self.history_title,
                *self.history,
                h["fu_heading_meeting"],
                self.meeting_hint,
                self.meeting,
                self.withheld,
                self.print_button,
            ]
        )
        self.add_class("bb-followup")
        self._relabel()
        state.refresh()

    # -- words ----------------------------------------------------------------
    def _relabel(self, _: Any = None) -> None:
        """Every label, heading and table in the current language."""
        lang = self.data.lang
        for key, widget in self.headings.items():
            level = "h4" if key == "fu_heading_close" else "h3"
            widget.value = f"<{level}>{html.escape(text(key, lang))}</{level}>"
        self.day.description = text("fu_day", lang)
        self._show_day()
        self.refresh_button.description = text("fu_refresh", lang)
        self.day_hint.value = f"<div class='bb-hint'>{html.escape(text('fu_day_hint', lang))}</div>"
        self.task.description = text("fu_task", lang)
        self.outcome.description = text("fu_outcome", lang)
        self.save_outcome.description = text("fu_save_outcome", lang)
        self.session.description = text("fu_session", lang)
        self.date.description = text("fu_date", lang)
        self.all_present.description = text("fu_all_present", lang)
        self.all_absent.description = text("fu_all_absent", lang)
        self.save_attendance.description = text("fu_save_attendance", lang)
        self.patient.description = text("fu_patient", lang)
        self.patient.placeholder = text("fu_patient_example", lang)
        self.show_history.description = text("fu_show_history", lang)
        hint = text("fu_meeting_hint", lang, calls=RULES.max_calls)
        self.meeting_hint.value = f"<div class='bb-hint'>{html.escape(hint)}</div>"
        self.print_button.label = text("fu_print_meeting", lang)
        self.tasks.stem = text("fu_file_tasks", lang)
        self.meeting.stem = text("fu_file_meeting", lang)
        self._group_key = ()
        self._render_snapshot()
        self._render_history()
        self._status()

    # -- the day and the tasks ------------------------------------------------
    def _pick_day(self, change: Any) -> None:
        """A day that reads becomes the day worked on; one that does not stays as typed,
        with what is wrong under it (the lists keep the last good day)."""
        typed = str(change["new"])
        found = typed_date(typed, self.data.lang) if typed.strip() else None
        if found is None:
            self._bad_day = typed
        else:
            self._bad_day = ""
            if found != self.state.today:
                self.state.today = found
        self._show_day()

    def _sync_day(self, _: Any = None) -> None:
        self._bad_day = ""
        self._show_day()

    def _show_day(self) -> None:
        """The day worked on in the page's language, or what was typed and its problem."""
        lang = self.data.lang
        if self._bad_day:
            example = shown_date(date.today(), lang)
            bad = text("f_date_bad", lang, typed=self._bad_day, example=example)
            self.day_error.value = (
                f"<div class='bb-field-error' role='alert'>{html.escape(bad)}</div>"
            )
            return
        self.day_error.value = ""
        shown = shown_date(self.state.today, lang)
        if self.day.value != shown:
            self.day.value = shown

    def _render_snapshot(self, _: Any = None) -> None:
        snapshot, lang, ds = self.state.snapshot, self.data.lang, self.data.dataset
        if snapshot is None:
            self.tasks.clear()
            self.meeting.clear()
            self.print_button.page = ""
            return
        today = self.state.today
        frame, columns = tasks_table(snapshot.tasks, ds, lang, today, snapshot.attendance)
        caption = text("fu_caption_tasks", lang, day=long_date(today, lang))
        self.tasks.show(frame, columns, lang=lang, caption=caption)
        frame, columns, withheld = meeting_table(snapshot.meeting, ds, lang, snapshot.attendance)
        caption = text("fu_caption_meeting", lang, n=len(frame))
        self.meeting.show(frame, columns, lang=lang, caption=caption)
        said = text("fu_meeting_withheld", lang, patients=", ".join(withheld))
        self.withheld.value = message(said, "warn") if withheld else ""
        self.print_button.page = (
            meeting_document(self.meeting.words(), lang, today) if len(frame) else ""
        )
        self._task_options()
        self._session_options()
        self.patient.options = pseudonyms(
            snapshot.bookings["patient_id"], snapshot.tasks["patient_id"]
        )

    def _task_options(self) -> None:
        snapshot, lang, ds = self.state.snapshot, self.data.lang, self.data.dataset
        options = []
        for _, row in snapshot.tasks.iterrows():
            said = task_words(row, ds, lang, snapshot.attendance)
            when = when_words(row["due_date"], self.state.today, lang)
            label = text(
                "fu_task_option", lang, patient=row["patient_id"], what=said.what, when=when
            )
            options.append((label, int(row["task_id"])))
        self._quiet = True
        try:
            _choose(self.task, options)
        finally:
            self._quiet = False
        self._pick_task()

    def _chosen_task(self) -> Any:
        snapshot = self.state.snapshot
        if snapshot is None or self.task.value is None:
            return None
        rows = snapshot.tasks[snapshot.tasks["task_id"] == self.task.value]
        return rows.iloc[0] if len(rows) else None

    def _pick_task(self, _: Any = None) -> None:
        if self._quiet:
            return
        lang, row = self.data.lang, self._chosen_task()
        if row is None:
            day = long_date(self.state.today, lang)
            self.card.value = message(text("fu_no_tasks", lang, day=day))
            self.outcome.options = []
            self._buttons()
            return
        said = task_words(row, self.data.dataset, lang, self.state.snapshot.attendance)
        parts = [
            ("fu_col_what", said.what),
            ("fu_col_why", said.why),
            ("fu_col_channel", said.channel),
            ("fu_col_script", said.script),
        ]
        contact = self.state.snapshot.contacts.get(int(row["task_id"]))
        if contact is not None:
            named = text("fu_contact_person_is", lang, name=contact.name, phone=contact.phone)
            parts.insert(3, ("fu_contact_person", named.strip(" ,")))
        items = "".join(
            f"<p><strong>{html.escape(text(k, lang))}:</strong> {html.escape(v)}</p>"
            for k, v in parts
        )
        who = html.escape(text("fu_card_title", lang, patient=row["patient_id"]))
        self.card.value = (
            f"<div class='bb-card bb-task-card'><p class='bb-who'>{who}</p>{items}</div>"
        )
        self.outcome.options = outcome_choices(str(row["kind"]), lang)
        self.outcome.value = None
        self._buttons()

    def _buttons(self, _: Any = None) -> None:
        busy = self.state.busy
        self.save_outcome.disabled = busy or self.outcome.value is None or self.task.value is None
        self.save_attendance.disabled = busy or not self.marks
        self.all_present.disabled = self.all_absent.disabled = not self.marks
        self.refresh_button.disabled = busy
        self.show_history.disabled = busy

    def _complete(self, _: Any = None) -> None:
        if self.task.value is not None and self.outcome.value is not None:
            self.state.complete(int(self.task.value), str(self.outcome.value))

    # -- attendance -----------------------------------------------------------
    def _session_options(self) -> None:
        lang, ds = self.data.lang, self.data.dataset
        options = [(session_label(s, ds, lang), s) for s in self.state.sessions()]
        self._quiet = True
        try:
            _choose(self.session, options)
        finally:
            self._quiet = False
        self._pick_session()

    def _pick_session(self, _: Any = None) -> None:
        if self._quiet:
            return
        lang = self.data.lang
        days = self.state.session_dates(self.session.value) if self.session.value else []
        self._quiet = True
        try:
            _choose(self.date, [(long_date(d, lang), d.isoformat()) for d in days])
        finally:
            self._quiet = False
        self._render_group()

    def _render_group(self, _: Any = None) -> None:
        if self._quiet:
            return
        lang = self.data.lang
        if not self.session.value:
            self._people([], text("fu_no_sessions", lang))
            return
        if not self.date.value:
            day = long_date(self.state.today, lang)
            self._people([], text("fu_no_dates", lang, day=day))
            return
        group = self.state.group(self.session.value, date.fromisoformat(self.date.value))
        key = (self.session.value, self.date.value, lang, *map(str, group.to_numpy()))
        if key == self._group_key:
            return
        self._group_key = key
        rows = []
        for booking, patient, recorded in zip(
            group["booking_id"], group["patient_id"], group["recorded"], strict=True
        ):
            known = not pd.isna(recorded)
            box = w.Checkbox(
                value=bool(recorded) if known else True,
                description=text("fu_came", lang, patient=patient),
                indent=False,
            )
            note = "fu_recorded_present" if known and recorded else "fu_recorded_absent"
            said = text(note if known else "fu_not_recorded", lang)
            rows.append((int(booking), box, w.HTML(f"<span class='bb-hint'>{said}</span>")))
        self._people(rows, text("fu_group_hint" if rows else "fu_nobody_that_day", lang))

    def _people(self, rows: list[tuple[int, w.Checkbox, w.HTML]], hint: str) -> None:
        if not rows:
            self._group_key = ()
        self.marks = {booking: box for booking, box, _ in rows}
        boxes = []
        for _, box, note in rows:
            line = w.HBox([box, note])
            line.add_class("bb-person")
            boxes.append(line)
        self.people.children = tuple(boxes)
        self.group_hint.value = f"<div class='bb-hint'>{html.escape(hint)}</div>"
        self._buttons()

    def _tick_all(self, came: bool) -> None:
        for box in self.marks.values():
            box.value = came

    def _save_attendance(self, _: Any = None) -> None:
        if self.session.value and self.date.value and self.marks:
            self._group_key = ()  # drawn again from what is saved
            self.state.record_group(
                self.session.value,
                date.fromisoformat(self.date.value),
                {booking: box.value for booking, box in self.marks.items()},
            )

    # -- a person's history ---------------------------------------------------
    def _look_up(self) -> None:
        if str(self.patient.value).strip():
            self.state.look_up(str(self.patient.value))

    def _render_history(self, _: Any = None) -> None:
        found, lang = self.state.history, self.data.lang
        if found is None:
            self.history_title.value = ""
            for table in self.history:
                table.clear()
            return
        if found.empty:
            self.history_title.value = message(
                text("fu_history_none", lang, patient=found.patient_id)
            )
            for table in self.history:
                table.clear()
            return
        title = html.escape(text("fu_history_title", lang, patient=found.patient_id))
        now = html.escape(status_now_words(found.status, lang))
        self.history_title.value = f"<h4>{title}</h4>" + (f"<p>{now}</p>" if now else "")
        stems = (
            "fu_file_bookings",
            "fu_file_attendance",
            "fu_file_history_tasks",
            "fu_file_statuses",
        )
        for table, stem, (caption, frame, columns) in zip(
            self.history, stems, history_tables(found, self.data.dataset, lang), strict=True
        ):
            table.stem = f"{text(stem, lang)}-{found.patient_id}"
            table.show(frame, columns, lang=lang, caption=caption)

    # -- how the last action went -------------------------------------------
    def _status(self, _: Any = None) -> None:
        """Beside the button of the action that ran: working, its refusal or failure,
        or what it did; each action's words stay until it runs again."""
        self._buttons()
        state = self.state
        if state.action in self.statuses:
            said = (state.busy, state.error, state.problems, state.done, state.today)
            self._last[state.action] = said
        self._say()

    def _say(self) -> None:
        lang = self.data.lang
        for action, (busy, error, problems, done, today) in self._last.items():
            shown = self.statuses[action]
            if busy:
                said = html.escape(text("working", lang))
                shown.value = f"<span class='bb-progress' role='status'>{said}</span>"
            elif error:
                shown.value = message(text("error", lang, message=error), "error")
            else:
                shown.value = _problems(problems, lang) + done_words(action, done, today, lang)
