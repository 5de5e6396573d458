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
