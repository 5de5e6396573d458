"""Reading a user's file safely: only regular files, and never more than a limit.

A dataset folder is given by a person, so any of its names may be a named
pipe (which blocks a reader forever), a link to ``/dev/zero`` (which never
ends) or simply far too large. ``file_problem`` says what is wrong with a path
before anything opens it, and ``read_bytes`` reads a checked file without
ever taking more than ``MAX_FILE_BYTES``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError, Problem
from ..words.problems import problem
from .schema import MAX_FILE_BYTES

__all__ = ["file_problem", "read_bytes", "require_regular_file"]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def file_problem(
    path: Path, name: str | None = None, limit: int = MAX_FILE_BYTES
) -> Problem | None:
    """What keeps ``path`` from being read as a data file, or ``None``.

    ``name`` is how the problem names the file (default: its file name). The
    path is inspected with ``stat`` only, so a named pipe is never opened.
    """
    label = name or path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        return problem(label, None, None, "file not found")
    except OSError as exc:
        return problem(label, None, None, "cannot be read ({reason})", reason=exc.strerror)
    if stat.S_ISDIR(info.st_mode):
        return problem(label, None, None, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return problem(
            label, None, None, "is not a regular file (a pipe, device or socket); give a file"
        )
    if info.st_size > limit:
        return problem(
            label,
            None,
            None,
            "is {size}, more than the {limit} Brobygger reads",
            size=_megabytes(info.st_size),
            limit=_megabytes(limit),
        )
    return None


def require_regular_file(path: Path, name: str | None = None) -> None:
    """Raise ``InputError`` unless ``path`` is a regular file within the size limit."""
    found = file_problem(path, name)
    if found is not None:
        raise InputError([found])


def read_bytes(path: Path, name: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else ``InputError``.

    The file is opened without blocking and read up to ``limit + 1`` bytes, so
    a file that grows while it is read is refused instead of read for ever.
    """
    found = file_problem(path, name, limit)
    if found is not None:
        raise InputError([found])
    label = name or path.name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError([problem(label, None, None, "is not a regular file")])
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(
            [problem(label, None, None, "cannot be read ({reason})", reason=exc.strerror)]
        ) from None
    if len(data) > limit:
        raise InputError(
            [
                problem(
                    label,
                    None,
                    None,
                    "is more than the {limit} Brobygger reads",
                    limit=_megabytes(limit),
                )
            ]
        )
    return data
