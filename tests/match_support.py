"""Shared helpers of the match tests: one offer, session and patient built into a model
and evaluated, and the built-in travel estimate between them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from builders import build, offer, patient, session

from matcher.match.costs import evaluate
from matcher.match.model import MatchModel
from matcher.match.rules import RULES

ONE_KM_EAST = {"lat": 55.3959, "lon": 10.4042}


def check(
    tmp_path: Path,
    *,
    o: dict[str, Any] | None = None,
    s: dict[str, Any] | None = None,
    p: dict[str, Any] | None = None,
    booked: dict[str, int] | None = None,
) -> tuple[bool, list[str], Any, MatchModel]:
    """Feasibility of the single pair, the rules that fail, the evaluation and the model."""
    ds = build([offer(**(o or {}))], [session(**(s or {}))], [patient(**(p or {}))], tmp_path)
    model = MatchModel.from_dataset(ds, booked=booked)
    ev = evaluate(model, np.array([0]), explain=True)
    assert ev.fails is not None
    failing = [RULES[i] for i in np.flatnonzero(ev.fails[:, 0, 0])]
    return bool(ev.feasible[0, 0]), failing, ev, model


def estimated_minutes(model: MatchModel, mode: str) -> float:
    """The built-in estimate for patient 0 to offer 0 by ``mode``."""
    speed = model.weights.travel[mode]
    px = model.travel.origin_xy[0]  # type: ignore[attr-defined]
    km = float(np.hypot(*(px - model.o_xy[0]))) / 1000.0
    return speed.fixed_min + km * speed.detour / speed.speed_kmh * 60.0
