"""Errors in widget callbacks reach the server's log, not only a lost output.

Inside a kernel, ipywidgets hands an exception raised by a button or an
observer to IPython's ``showtraceback``, which sends it to an output area the
Voila page does not have; the "Comm" logger and threads write to the
kernel's ``sys.stderr``, which also goes to the page. So a failing callback
left no trace anywhere. ``log_callback_errors`` copies each of them, with its
traceback, to the kernel's own stderr: the log of the Voila server, which
operators and the browser tests read. So do the errors the app logs itself
(the ``matcher`` loggers, e.g. a background task that failed, see
``runner``), each starting with ``MARK``. The page itself still never shows a
traceback.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["MARK", "log_callback_errors"]

#: How every line of the app's own in the server's log starts.
PREFIX = "[Brobygger]"
#: How each copied error starts in the server's log.
MARK = f"{PREFIX} Exception in"
_LOGGERS = ("Comm", "ipykernel.comm")
#: The app's own loggers; their errors read ``[Brobygger] Exception in ...``.
_APP_LOGGER = "matcher"


def log_callback_errors(shell: Any = None, stream: TextIO | None = None) -> Callable[[], None]:
    """Copy callback errors of the running kernel (or ``shell``) to ``stream``.

    ``stream`` defaults to the process's real stderr (``sys.__stderr__``).
    Returns a function that undoes it. Outside a kernel nothing changes.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return lambda: None
    out: TextIO = stream or sys.__stderr__ or sys.stderr
    original = shell.showtraceback
    original_hook = threading.excepthook

    def showtraceback(*args: Any, **kwargs: Any) -> Any:
        out.write(f"{MARK} a widget callback:\n{traceback.format_exc()}\n")
        out.flush()
        return original(*args, **kwargs)

    def thread_hook(hook: threading.ExceptHookArgs) -> None:
        lines = traceback.format_exception(hook.exc_type, hook.exc_value, hook.exc_traceback)
        name = getattr(hook.thread, "name", "?")
        out.write(f"{MARK} a background thread ({name}):\n{''.join(lines)}\n")
        out.flush()
        original_hook(hook)

    handler = logging.StreamHandler(out)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("[%(name)s] %(levelname)s | %(message)s"))
    own = logging.StreamHandler(out)
    own.setLevel(logging.ERROR)
    own.setFormatter(logging.Formatter(f"{PREFIX} %(message)s"))
    shell.showtraceback = showtraceback
    threading.excepthook = thread_hook
    for name in _LOGGERS:
        logging.getLogger(name).addHandler(handler)
    logging.getLogger(_APP_LOGGER).addHandler(own)

    def undo() -> None:
        shell.showtraceback = original
        threading.excepthook = original_hook
        for name in _LOGGERS:
            logging.getLogger(name).removeHandler(handler)
        logging.getLogger(_APP_LOGGER).removeHandler(own)

    return undo
