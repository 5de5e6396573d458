"""The national summary: one row per job of a many-folder run (``summary.csv``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .jobs import JobResult

__all__ = ["summary_frame", "write_summary"]


def summary_frame(
    results: Sequence[JobResult], figures: Sequence[str], *, first: str = "folder"
) -> pd.DataFrame:
    """``folder`` (or the column ``first`` names), the ``figures`` (empty for a job
    that wrote nothing, or a hidden count), ``status`` and ``seconds``, one row per
    job in the order given."""
    rows = []
    for result in results:
        values = dict(result.figures)
        row: dict[str, object] = {first: result.folder}
        row.update({name: values.get(name) for name in figures})
        row["status"] = result.status
        row["seconds"] = round(result.seconds, 2)
        rows.append(row)
    columns = [first, *figures, "status", "seconds"]
    frame = pd.DataFrame(rows, columns=columns)
    for name in figures:
        shown = [dict(r.figures).get(name) for r in results if r.ok]
        if all(isinstance(v, int | None) for v in shown) and any(v is not None for v in shown):
            frame[name] = frame[name].astype("Int64")
    return frame


def write_summary(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as CSV, whole or not at all, cells safe for spreadsheets."""
    from ..dataset.export import atomic_path, csv_bytes

    data = csv_bytes(frame, path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
