"""The Follow-up tab in a real browser (Voila on a free local port, Debian's Chromium
through Playwright), on the demo data with three people booked into one session.

The contact person registers two missed sessions for the group, sees the call task
appear, records "not reached" three times (the last by keyboard only) and sees the
case go to the hospital-municipality meeting's list, which prints; then finds the
person's history by pseudonym. The test fails on any console error, page error,
failed request or request leaving the machine, and on any traceback or "Exception
in" in the server's log. Full-page screenshots of the tab at 1366x900 and 1024x768
go to ``$BROBYGGER_ARTIFACTS/screens/``, the seconds of each step to
``followup_steps.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_support import ARTIFACTS, CHROMIUM, log_errors
from playwright.sync_api import Page, expect
from tabs_support import Served, axe_path, open_page, serve, show_tab

from matcher import load_dataset
from matcher.store import Actor, book, first_start, give_consent, import_catalogue, open_store
from matcher.ui.followup import RE_OFFER_WEEKS
from matcher.ui.views.followup_tables import RULES
from matcher.words.app import text
from matcher.words.formats import long_date

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: The people booked, and the session they share (the demo's first exit team).
PEOPLE = ("P00001", "P00002", "P00003")
SESSION = "S00002"
#: Seconds a step may take on a slow machine.
LIMIT_MS = 120_000
#: The window sizes the tab is looked at in.
SIZES = ((1366, 900), (1024, 768))
#: The height of the whole page (Voila scrolls it inside a box of the window's height).
TALL = """() => { const cells = document.getElementById('rendered_cells');
  return Math.max(document.documentElement.scrollHeight, cells ? cells.scrollHeight : 0); }"""
#: How much wider than the window the page is (0 when nothing sticks out).
OVERFLOW = """() => { const cells = document.getElementById('rendered_cells');
  return Math.max(document.documentElement.scrollWidth - window.innerWidth,
    cells ? cells.scrollWidth - cells.clientWidth : 0); }"""
#: axe-core's violations of the whole page, in short.
RUN_AXE = """async () => (await axe.run(document, { resultTypes: ["violations"] }))
  .violations.map((v) => `${v.id} (${v.impact}): ${v.help}: `
    + v.nodes.map((n) => n.target.join(" ")).join(", "))"""
#: Every print of the page or of a frame in it is counted instead of shown.
NO_PRINT = """window.print = () => {
  window.top.bbPrinted = (window.top.bbPrinted || 0) + 1; };"""


def da(key: str, **values: object) -> str:
    """The Danish words of ``key``."""
    return text(key, "da", **values)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, date]]:
    """``brobygger app`` on the demo data whose database holds three bookings of one
    session from the same start (through the store, as ``brobygger book`` makes them),
    and a Chromium; with the start date."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    home = tmp_path_factory.mktemp("followup")
    dataset = load_dataset(ROOT / "data" / "activities")
    session = dataset.sessions.set_index("session_id").loc[SESSION]
    discharged = dataset.patients.set_index("patient_id").loc[list(PEOPLE), "discharge_date"]
    start = first_start(session["first_date"].date(), max(discharged).date(), int(session["day"]))
    with open_store(f"sqlite:///{home / 'app.sqlite3'}") as store:
        import_catalogue(store, dataset)
        for person in PEOPLE:
            book(store, person, SESSION, start)
        give_consent(store, PEOPLE[0], "share_municipality", actor=Actor("ab", "staff"))
    with serve(home) as app:
        yield app, start


@contextmanager
def timed(steps: dict[str, float], name: str) -> Iterator[None]:
    """Time one step of the walk."""
    began = time.monotonic()
    yield
    steps[name] = round(time.monotonic() - began, 1)


def _set_day(page: Page, day: date) -> None:
    """The day worked on, typed into the date field."""
    field = page.get_by_label(da("fu_day"), exact=True)
    field.fill(day.isoformat())
    field.press("Tab")
    caption = page.get_by_text(da("fu_caption_tasks", day=long_date(day, "da")), exact=True)
    expect(caption).to_be_visible(timeout=LIMIT_MS)


def _register(page: Page, day: date, *absent: str) -> None:
    """``absent`` stayed away from the session on ``day``; the others came."""
    page.get_by_label(da("fu_date"), exact=True).select_option(label=long_date(day, "da"))
    expect(page.get_by_label(da("fu_came", patient=PEOPLE[-1]))).to_be_visible(timeout=LIMIT_MS)
    page.get_by_role("button", name=da("fu_all_present")).click()
    for person in absent:
        box = page.get_by_label(da("fu_came", patient=person))
        expect(box).to_be_checked()
        box.uncheck()
    page.get_by_role("button", name=da("fu_save_attendance")).click()
    saved = text("fu_attendance_saved", "da").split("{day}")[0] + long_date(day, "da")
    expect(page.get_by_text(saved)).to_be_visible(timeout=LIMIT_MS)


def _choose_task(page: Page, person: str) -> None:
    """Choose the task of ``person`` to close."""
    chosen = page.get_by_label(da("fu_task"), exact=True)
    expect(chosen.locator("option").first).to_be_attached(timeout=LIMIT_MS)
    labels = chosen.locator("option").all_inner_texts()
    chosen.select_option(label=next(t for t in labels if t.startswith(f"{person}:")))
    card = da("fu_card_title", patient=person)
    expect(page.get_by_text(card, exact=True)).to_be_visible(timeout=LIMIT_MS)


def _not_reached(page: Page, day: date, person: str) -> None:
    """Close the call of ``person`` as not reached."""
    _choose_task(page, person)
    page.get_by_role("radio", name=da("fu_outcome_not_reached")).check()
    page.get_by_role("button", name=da("fu_save_outcome")).click()
    again = long_date(day + timedelta(days=RULES.retry_days), "da")
    said = text("fu_next_attempt", "da").split("{day}")[0] + again  # and the part of the day
    expect(page.get_by_text(said)).to_be_visible(timeout=LIMIT_MS)


def _not_reached_by_keyboard(page: Page) -> None:
    """The same by keyboard only: Tab to the outcome, Space, Tab to Save, Enter."""
    radio = page.get_by_role("radio", name=da("fu_outcome_not_reached"))
    expect(radio).to_be_visible(timeout=LIMIT_MS)
    expect(radio).not_to_be_checked()
    page.get_by_label(da("fu_task"), exact=True).focus()
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement.parentElement.innerText.trim()")
        seen.append(name[:40])
        if name == da("fu_outcome_not_reached"):
            break
    else:
        raise AssertionError(f"Tab never reached the outcome 'Ikke truffet': {seen}")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name=da("fu_save_outcome"))).to_be_enabled()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText.trim()") == da("fu_save_outcome"):
            break
    else:
        raise AssertionError("Tab never reached 'Gem udfald'")
    page.keyboard.press("Enter")


def _not_now(page: Page, day: date, person: str) -> date:
    """Close the call of ``person`` as "declines for now"; the day of the next offer."""
    _choose_task(page, person)
    page.get_by_role("radio", name=da("fu_outcome_not_now", weeks=RE_OFFER_WEEKS)).check()
    page.get_by_role("button", name=da("fu_save_outcome")).click()
    again = day + timedelta(weeks=RE_OFFER_WEEKS)
    said = da("fu_re_offer_on", day=long_date(again, "da"))
    expect(page.get_by_text(said)).to_be_visible(timeout=LIMIT_MS)
    return again


def _history(page: Page, person: str) -> Any:
    """Find ``person``'s history by pseudonym; its heading."""
    field = page.get_by_role("combobox", name=da("fu_patient"), exact=True)
    field.fill(person)
    field.press("Enter")
    heading = page.get_by_role("heading", name=da("fu_history_title", patient=person))
    expect(heading).to_be_visible(timeout=LIMIT_MS)
    return heading


def _table(page: Page, caption: str) -> Any:
    """The table for people with ``caption``."""
    return page.locator(".bb-people").filter(has=page.get_by_text(caption, exact=True))


def _accessible(page: Page) -> list[str]:
    """What axe-core finds serious or critical on the page (nothing checked, and a
    note saying so, when axe-core is not installed; the axe test fails on that in CI)."""
    script = axe_path()
    if script is None:
        print("axe-core is not installed: the follow-up tab was not checked with it")
        return []
    page.add_script_tag(path=str(script))
    found: list[str] = page.evaluate(RUN_AXE)
    return [v for v in found if "(serious)" in v or "(critical)" in v]


def _screens(page: Page, name: str) -> None:
    """Full-page screenshots at each size; the page is never wider than the window."""
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        overflow = page.evaluate(OVERFLOW)
        tall = max(height, int(page.evaluate(TALL)))
        page.set_viewport_size({"width": width, "height": tall})
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / f"{width}x{height}-{name}.png"))
        assert overflow <= 1, f"at {width}x{height} the page is {overflow} px wider than the window"
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def test_absences_make_calls_that_escalate_or_come_back_in_four_weeks(
    served: tuple[Served, date],
) -> None:
    """Two absences registered for the group make a call task for each person who
    stayed away; "not reached" three times escalates one to the meeting's list (which
    prints), "declines for now" brings the other back as a dated re-offer; the
    history shows it all."""
    app, start = served
    problems: list[str] = []
    steps: dict[str, float] = {}
    page = open_page(app, "da", problems)
    page.context.add_init_script(NO_PRINT)
    app.app.new_log()
    person, other = PEOPLE[0], PEOPLE[1]
    with timed(steps, "open the tab"):
        show_tab(page, "followup", "da")
        expect(page.get_by_role("heading", name=da("fu_heading_attendance"))).to_be_visible()
    second = start + timedelta(weeks=1)
    day = second + timedelta(days=1)
    with timed(steps, "two absences"):
        _set_day(page, day)
        _register(page, start, person, other)
        _register(page, second, person, other)
        for who in (person, other):
            call = da("fu_call_made", patient=who, n=RULES.missed_in_a_row)
            expect(page.get_by_text(call, exact=False)).to_be_visible(timeout=LIMIT_MS)
    calls = page.get_by_role("cell", name=da("fu_what_call_missed"), exact=True)
    expect(calls).to_have_count(2, timeout=LIMIT_MS)
    _screens(page, "followup-calls")
    with timed(steps, "declines for now"):
        again = _not_now(page, day, other)
    with timed(steps, "three unanswered calls"):
        for attempt in range(1, RULES.max_calls):
            _not_reached(page, day, person)
            day += timedelta(days=RULES.retry_days)
            _set_day(page, day)
            why = da("fu_why_again", attempt=attempt + 1, calls=RULES.max_calls)
            expect(page.get_by_text(why).first).to_be_visible(timeout=LIMIT_MS)
        _not_reached_by_keyboard(page)
        escalated = da("fu_next_escalate", calls=RULES.max_calls)
        expect(page.get_by_text(escalated)).to_be_visible(timeout=LIMIT_MS)
    meeting = _table(page, da("fu_caption_meeting", n=1))
    expect(meeting.get_by_role("cell", name=person, exact=True)).to_be_visible(timeout=LIMIT_MS)
    expect(meeting.get_by_role("cell", name=da("fu_what_escalate"))).to_be_visible()
    with timed(steps, "print the meeting's list"):
        page.get_by_role("button", name=da("fu_print_meeting")).click()
        page.wait_for_function("() => window.bbPrinted === 1", timeout=LIMIT_MS)
        printed = page.frame_locator("#bb-meeting-print")
        expect(printed.get_by_role("cell", name=person, exact=True)).to_be_visible()
    with timed(steps, "the person's history"):
        _history(page, person)
        tasks = _table(page, da("fu_caption_history_tasks"))
        not_reached = tasks.get_by_role("cell", name=da("fu_outcome_not_reached"), exact=True)
        expect(not_reached).to_have_count(RULES.max_calls)
    _screens(page, "followup-meeting")
    with timed(steps, "the offer comes back"):
        _set_day(page, again)
        offer = page.get_by_role("cell", name=da("fu_what_re_offer"), exact=True)
        expect(offer).to_have_count(1, timeout=LIMIT_MS)
        _history(page, other)
        statuses = _table(page, da("fu_caption_statuses"))
        expect(statuses.get_by_role("cell", name=da("fu_referral_not_now"))).to_be_visible()
    violations = _accessible(page)
    (ARTIFACTS / "followup_steps.json").write_text(json.dumps(steps, indent=2) + "\n")
    print("follow-up tab, seconds per step:", steps)
    body = page.inner_text("body")
    errors = log_errors(app.app.new_log())
    assert "Traceback" not in body
    assert not violations, "axe-core on the follow-up tab:\n" + "\n".join(violations)
    assert not problems, "\n".join(problems)
    assert not errors, "the server log has errors:\n" + "\n---\n".join(errors)
