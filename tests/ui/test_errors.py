"""Errors in widget callbacks, comm messages and background threads reach the server's log."""

from __future__ import annotations

import pytest

from matcher.ui.errors import log_callback_errors


def test_callback_errors_are_copied_to_the_server_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing callback, comm message or background thread leaves its traceback in the log."""
    import io
    import logging
    import threading

    from matcher.ui.errors import MARK, log_callback_errors

    class Shell:
        shown = 0

        def showtraceback(self) -> None:
            self.shown += 1

    shell, log = Shell(), io.StringIO()
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # the kernel's own hook
    undo = log_callback_errors(shell, log)
    try:
        try:
            raise RuntimeError("the button failed")
        except RuntimeError:
            shell.showtraceback()
        logging.getLogger("Comm").error("Exception in comm_msg for %s", "abc")
        worker = threading.Thread(target=lambda: 1 / 0, name="plan")
        worker.start()
        worker.join(30)
    finally:
        undo()
    text = log.getvalue()
    assert shell.shown == 1, "the page's own handling still runs"
    assert f"{MARK} a widget callback:\nTraceback" in text
    assert "RuntimeError: the button failed" in text
    assert "Exception in comm_msg for abc" in text
    assert f"{MARK} a background thread (plan)" in text and "ZeroDivisionError" in text
    assert shell.showtraceback.__func__ is Shell.showtraceback
    assert not [h for h in logging.getLogger("Comm").handlers if getattr(h, "stream", None) is log]


def test_outside_a_kernel_nothing_changes() -> None:
    """Without a running kernel nothing is hooked, and the undo does nothing."""
    import threading

    hook = threading.excepthook
    undo = log_callback_errors()
    assert threading.excepthook is hook
    undo()
    assert threading.excepthook is hook


def test_a_failing_button_leaves_its_traceback_in_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """A button whose callback raises (ipywidgets hands it to the kernel's showtraceback)
    writes the traceback, with the exception, to the server's log."""
    import io

    import ipywidgets as w
    import ipywidgets.widgets.widget as widget_module

    from matcher.ui.errors import MARK

    class Shell:
        def showtraceback(self) -> None:
            pass

    shell, log = Shell(), io.StringIO()
    monkeypatch.setattr(widget_module, "get_ipython", lambda: shell)
    button = w.Button()

    def fail(_: object) -> None:
        raise LookupError("no such session S123")

    button.on_click(fail)
    undo = log_callback_errors(shell, log)
    try:
        button.click()
    finally:
        undo()
        button.close()
    text = log.getvalue()
    assert text.startswith(f"{MARK} a widget callback:\nTraceback")
    assert "in fail" in text and "LookupError: no such session S123" in text


def test_a_failed_background_task_reaches_the_log_with_its_traceback() -> None:
    """The app's own error log (a background task that failed, see runner) is copied to the
    server's log, starting with the mark and followed by its traceback; undo removes it."""
    import io
    import logging

    from matcher.ui.errors import MARK
    from matcher.ui.runner import Runner

    class Shell:
        def showtraceback(self) -> None:
            pass

    log = io.StringIO()
    undo = log_callback_errors(Shell(), log)
    try:
        runner = Runner(lang=lambda: "en")
        runner.start(lambda: 1 / 0, lambda _: None, label="sites", background=False)
    finally:
        undo()
    text = log.getvalue()
    assert text.startswith(f"{MARK} a background task (sites):\nTraceback")
    assert "ZeroDivisionError: division by zero" in text
    assert runner.error and "ZeroDivision" not in runner.error
    assert not [
        h for h in logging.getLogger("matcher").handlers if getattr(h, "stream", None) is log
    ]
