"""Small demo municipalities for the tests of many-folder runs (plan-many, gaps-many)."""

from __future__ import annotations

from pathlib import Path

from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset

#: Patients and offers of each small municipality: a plan takes about a second.
SMALL = {"patients": 40, "offers": 16}


def demo_root(root: Path, count: int = 3, *, bad: bool = False) -> list[Path]:
    """``count`` small demo folders under ``root`` (seeds 1..count), and with ``bad``
    one more folder, ``broken``, whose patients.csv has no patient_id column."""
    folders = [
        save_dataset(make_demo(seed=i + 1, **SMALL), root / f"kommune_{i + 1}")
        for i in range(count)
    ]
    if bad:
        broken = save_dataset(make_demo(seed=99, **SMALL), root / "broken")
        text = (broken / "patients.csv").read_text(encoding="utf-8")
        (broken / "patients.csv").write_text(text.replace("patient_id", "who", 1), "utf-8")
        folders.append(broken)
    return folders
