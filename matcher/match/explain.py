"""Plain-language reasons: why a patient has no option.

The reason names the rule that removed the options, with the numbers that
make it concrete ("too far away: all 24 sessions that fit otherwise are over
20 min by walking or bus; the nearest is 27 min"). It never mentions
vulnerability flags.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..domain import MODES
from .costs import HOME_VISIT, RULES, THREADS, MatchModel, evaluate

__all__ = ["ESCALATED_REASON", "exclusion_counts", "reasons_for", "taken_reason"]

ESCALATED_REASON = "escalated: a person must act first; not matched automatically"

#: How each rule reads when it removed options (plural: "N sessions are ...").
_PHRASES = {
    "escalated": ESCALATED_REASON,
    "home": "a home visit is only for someone who cannot come to a group",
    "diagnosis": "not for the patient's diagnoses",
    "language": "not in a language the patient speaks",
    "gender": "not for the patient's gender or gender wish",
    "group_size": "groups larger than the patient tolerates",
    "intensity": "harder than the patient can manage",
    "supervision": "without the supervision the patient needs",
    "fee": "fee above the patient's budget",
    "travel": "too far away",
    "time": "not at a time the patient is available",
    "capacity": "no free places",
}


def taken_reason(options: int) -> str:
    """Reason for a patient whose options all went to others."""
    word = "session fits" if options == 1 else "sessions fit"
    return f"every suitable place is taken ({options} {word}, all full after placing others)"


def exclusion_counts(fails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For one patient's (rules, sessions) failures: sessions each rule alone
    removes, and sessions each rule removes at all."""
    n_failing = fails.sum(axis=0)
    alone = (fails & (n_failing == 1)[None, :]).sum(axis=1)
    return alone, fails.sum(axis=1)


def _travel_detail(model: MatchModel, p: int, nearest: float) -> str:
    limit = int(model.p_max_travel[p])
    modes = [m for m, has in zip(MODES, model.p_modes[p], strict=True) if has]
    text = f"over {limit} min by {' or '.join(modes) or 'any mode'}"
    if np.isfinite(nearest):
        text += f"; the nearest is {int(np.ceil(nearest))} min"
    return text


def _reason(
    model: MatchModel, p: int, alone: np.ndarray, total: np.ndarray, n: int, near: float
) -> str:
    """The reason for patient ``p`` from the sessions each rule removes alone and at all."""
    bound = bool(model.p_home_bound[p])
    prefix = "stays at home, so only home visits fit; " if bound else ""
    if n == 0:
        return prefix + "there are no sessions of that kind"
    ranked = sorted(range(len(RULES)), key=lambda r: (-alone[r], -total[r], r))
    parts = []
    for r in ranked[:2]:
        if total[r] == 0:
            continue
        name = RULES[r]
        count = int(alone[r]) if alone[r] else int(total[r])
        scope = "only reason for" if alone[r] else "one reason for"
        text = f"{_PHRASES[name]} ({scope} {count} of {n} sessions"
        if name == "travel":
            text += f"; {_travel_detail(model, p, near)}"
        parts.append(text + ")")
        if alone[r] == 0:
            break
    return prefix + "nothing fits: " + "; ".join(parts) if parts else prefix + "nothing fits"


def reasons_for(model: MatchModel, patients: np.ndarray) -> list[str]:
    """A reason for each patient in ``patients`` who has no allowed session.

    Only sessions of the kinds a patient could have count as removed options:
    home visits for those who stay at home, places outside the home for
    everyone else (and home visits too for those who want one-to-one only).
    Patients are explained in blocks, vectorised.
    """
    patients = np.asarray(patients, dtype=np.int64)
    if model.n_sessions == 0:
        return ["there are no sessions in the dataset"] * len(patients)
    home = model.o_kind[model.s_offer] == HOME_VISIT
    travel_rule = RULES.index("travel")
    others = np.array([r != travel_rule for r in range(len(RULES))])
    step = max(1, 200_000 // model.n_sessions)

    def explain(rows: np.ndarray) -> list[str]:
        ev = evaluate(model, rows, explain=True)
        assert ev.fails is not None
        relevant = np.where(
            model.p_home_bound[rows, None],
            home[None, :],
            ~home[None, :] | model.p_individual[rows, None],
        )
        fails = ev.fails & relevant[None, :, :]
        alone = (fails & (fails.sum(axis=0) == 1)[None, :, :]).sum(axis=-1)
        total = fails.sum(axis=-1)
        only_travel = relevant & ~ev.fails[others].any(axis=0) & np.isfinite(ev.travel_min)
        nearest = np.where(only_travel, ev.travel_min, np.inf).min(axis=-1)
        n_relevant = relevant.sum(axis=-1)
        return [
            ESCALATED_REASON
            if model.p_escalate[p]
            else _reason(model, p, alone[:, i], total[:, i], int(n_relevant[i]), nearest[i])
            for i, p in enumerate(rows.tolist())
        ]

    blocks = [patients[lo : lo + step] for lo in range(0, len(patients), step)]
    if len(blocks) < 2:
        return [reason for rows in blocks for reason in explain(rows)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        out = [reason for found in pool.map(explain, blocks) for reason in found]
    return out
