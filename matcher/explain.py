"""Plain-language reasons: why a patient has no option.

The reason names the rule that removed the options, with the numbers that
make it concrete ("too far away: all 24 sessions that fit otherwise are over
20 min by walking or bus; the nearest is 27 min"). It never mentions
vulnerability flags.
"""

from __future__ import annotations

import numpy as np

from .costs import HOME_VISIT, RULES, MatchModel, evaluate
from .domain import MODES

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


def _travel_detail(model: MatchModel, p: int, fails: np.ndarray, travel: np.ndarray) -> str:
    others = ~np.delete(fails, RULES.index("travel"), axis=0).any(axis=0)
    limit = int(model.p_max_travel[p])
    modes = [m for m, has in zip(MODES, model.p_modes[p], strict=True) if has]
    near = travel[others & np.isfinite(travel)]
    text = f"over {limit} min by {' or '.join(modes) or 'any mode'}"
    if len(near):
        text += f"; the nearest is {int(np.ceil(near.min()))} min"
    return text


def reasons_for(model: MatchModel, patients: np.ndarray) -> list[str]:
    """A reason for each patient in ``patients`` who has no allowed session."""
    out = []
    if model.n_sessions == 0:
        return ["there are no sessions in the dataset"] * len(patients)
    for p in np.asarray(patients, dtype=np.int64).tolist():
        if model.p_escalate[p]:
            out.append(ESCALATED_REASON)
            continue
        ev = evaluate(model, np.array([p]), explain=True)
        assert ev.fails is not None
        # only sessions of the kinds this patient could have count as removed options:
        # home visits for those at home, places outside the home for everyone else
        home = model.o_kind[model.s_offer] == HOME_VISIT
        bound = bool(model.p_home_bound[p])
        relevant = home if bound else (~home | bool(model.p_individual[p]))
        fails = ev.fails[:, 0, relevant]
        travel = ev.travel_min[0, relevant]
        n_relevant = int(relevant.sum())
        prefix = "stays at home, so only home visits fit; " if bound else ""
        if n_relevant == 0:
            out.append(prefix + "there are no sessions of that kind")
            continue
        alone, total = exclusion_counts(fails)
        ranked = sorted(range(len(RULES)), key=lambda r: (-alone[r], -total[r], r))
        parts = []
        for r in ranked[:2]:
            if total[r] == 0:
                continue
            name = RULES[r]
            count = int(alone[r]) if alone[r] else int(total[r])
            scope = "only reason for" if alone[r] else "one reason for"
            text = f"{_PHRASES[name]} ({scope} {count} of {n_relevant} sessions"
            if name == "travel":
                text += f"; {_travel_detail(model, p, fails, travel)}"
            parts.append(text + ")")
            if alone[r] == 0:
                break
        out.append(
            prefix + "nothing fits: " + "; ".join(parts) if parts else prefix + "nothing fits"
        )
    return out
