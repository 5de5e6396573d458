"""The hand-out in a real browser: headless Debian Chromium through Playwright.

Each page must load without a console error, a page error or a failed (or
any non-local) request, and print to exactly one A4 page. A screenshot and
the PDF of each are kept under ``$BROBYGGER_ARTIFACTS`` (default:
``test-artifacts/`` beside ``tests/``) for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import LAT, build, offer, patient, session

from matcher.discharge.handout import write_handout

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def artifacts() -> Path:
    """Where screenshots and PDFs are kept."""
    default = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder = Path(os.environ.get("BROBYGGER_ARTIFACTS", str(default)))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium, started once for the module."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A walking club with a long description, a home visit and two patients."""
    return build(
        [
            offer(
                name="Fællesspisning og gåtur i Kongens Have med Ældre Sagen Odense Centrum",
                lat=LAT + 0.0133,
                address="Kongensgade 71, 5000 Odense C",
                phone="65220190",
                provider="Ældre Sagen",
                fee_dkk_month=40,
                tags="walking;cooking;social",
                supervised="true",
                description="Vi går en rolig tur i parken og spiser sammen bagefter. " * 12,
            ),
            offer(
                offer_id="HOME",
                name="Hjemmetræning",
                kind="home_visit",
                group_size=1,
                supervised="true",
                provider="Odense Kommune, Hjemmetræning",
            ),
        ],
        [
            session(first_date="2027-01-13", weekday="wed", weeks=8),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(modes="walk;bus"),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path_factory.mktemp("browser-town"),
    )


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF printed by Chromium (its page tree's count)."""
    counts = [int(c) for c in re.findall(rb"/Count (\d+)", pdf)]
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert counts and max(counts) == pages
    return pages


@pytest.mark.parametrize(
    ("name", "patient_id", "session_id", "lang"),
    [
        ("walk-da", "P1", "S1", "da"),
        ("walk-en", "P1", "S1", "en"),
        ("home-visit-da", "P3", "H1", "da"),
        *((f"walk-{lang}", "P1", "S1", lang) for lang in ("ar", "tr", "ur", "so", "pl", "fa")),
        ("home-visit-ar", "P3", "H1", "ar"),
    ],
)
def test_the_handout_renders_and_prints_on_one_page(
    chromium: Any, town: Any, tmp_path: Path, name: str, patient_id: str, session_id: str, lang: str
) -> None:
    """Hand-out in Chromium: no console error, no failed or remote request, one A4 page."""
    html = write_handout(town, patient_id, session_id, tmp_path / f"{name}.html", lang=lang)
    page = chromium.new_page(viewport={"width": 900, "height": 1300})
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith("file://") else problems.append(f"remote: {r.url}"),
    )
    page.goto(html.as_uri(), wait_until="load")
    assert page.locator("h1").inner_text().strip()
    if session_id == "S1":
        assert page.locator("svg.map").is_visible()
    folder = artifacts()
    page.screenshot(path=str(folder / f"handout-{name}.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (folder / f"handout-{name}.pdf").write_bytes(pdf)
    page.close()
    assert problems == []
    assert pdf_pages(pdf) == 1


@pytest.mark.parametrize("lang", ["da", "en", "ar", "tr", "ur", "so", "pl", "fa"])
def test_the_reminder_letter_prints_on_one_page(
    chromium: Any, town: Any, tmp_path: Path, lang: str
) -> None:
    """Reminder letter in Chromium, in every patient language, with a contact person:
    no console error or remote request, one A4 page."""
    from matcher.discharge.handout import Contact
    from matcher.discharge.reminders import reminder_letter_html

    path = tmp_path / f"letter-{lang}.html"
    contact = Contact("Mette Hansen Østergaard", "12 34 56 78")
    path.write_text(
        reminder_letter_html(town, "P1", "S1", lang=lang, today="2027-01-06", contact=contact),
        encoding="utf-8",
    )
    page = chromium.new_page(viewport={"width": 900, "height": 1300})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith("file://") else problems.append(f"remote: {r.url}"),
    )
    page.goto(path.as_uri(), wait_until="load")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (artifacts() / f"letter-{lang}.pdf").write_bytes(pdf)
    page.close()
    assert problems == []
    assert pdf_pages(pdf) == 1
