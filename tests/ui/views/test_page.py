"""The page widget: the browser's language and print and scroll requests."""

from __future__ import annotations

from typing import Any

from matcher.ui.views.page import Page


def test_the_page_tells_the_browser_its_language() -> None:
    """``lang`` is synced to the browser, which sets ``<html lang>`` from it."""
    page = Page(lang="da")
    assert page.lang == "da"
    assert "lang" in page.keys
    assert "documentElement.lang" in page._esm


def test_print_and_show_are_sent_to_the_browser(monkeypatch: Any) -> None:
    """Printing a frame and showing an element are messages the page's script acts on."""
    page = Page()
    sent: list[dict[str, str]] = []
    monkeypatch.setattr(page, "send", lambda content, buffers=None: sent.append(content))
    page.print_frame("bb-handout-frame")
    page.show(".bb-card:has(.bb-booking)")
    assert sent == [
        {"what": "print", "id": "bb-handout-frame"},
        {"what": "show", "selector": ".bb-card:has(.bb-booking)"},
    ]


def test_show_can_move_the_focus(monkeypatch: Any) -> None:
    """``show(..., focus=...)`` asks the browser to focus that element, and the page's
    script waits for it (the kernel's new widgets are drawn a moment later)."""
    page = Page()
    sent: list[dict[str, str]] = []
    monkeypatch.setattr(page, "send", lambda content, buffers=None: sent.append(content))
    page.show(".bb-results-column", focus=".bb-gen-2.bb-card-1 h3")
    assert sent == [
        {"what": "show", "selector": ".bb-results-column", "focus": ".bb-gen-2.bb-card-1 h3"}
    ]
    assert "focusWhenThere(msg.selector, msg.focus" in page._esm
