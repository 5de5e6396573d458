"""When nothing fits: which rules removed the options, and what would open the most.

Everything here is computed, not guessed. The rules that removed a patient's
options are counted session by session (``explain.exclusion_counts``). Each
possible change (travel 10 or 20 minutes further, another way to travel, an
interpreter, a larger budget, other times of day, larger groups, a group for
all genders, a home visit) is a modified copy of the patient's row; all the
copies are evaluated at once with the same rules and free places as the
recommendations, and each suggestion states exactly how many sessions, at how
many places, the change opens.

The quick way (a ``fast`` recommender) builds the changed copies as arrays from
the patient's own typed columns, lets them travel from the patient's own home
in the patient's own model, and asks only which sessions the rules allow; the
straightforward way builds them as a frame and evaluates everything. Both give
the same counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.profile import patient_cells
from ..domain import GROUP_LIMIT, TOLERANCES
from ..geo import TravelTimeSource
from ..match.costs import HOME_VISIT, RULES, evaluate, explained
from ..match.explain import exclusion_counts
from ..words.patient import Wording, wording
from .evaluate import Evaluated, Evaluator

__all__ = [
    "BRIDGE",
    "BUDGET_STEPS_DKK",
    "MODES_TO_TRY",
    "TRAVEL_STEPS_MIN",
    "Blocker",
    "NothingFits",
    "Suggestion",
    "blockers",
    "nothing_fits",
    "what_would_open",
]

#: Extra minutes of one-way travel tried.
TRAVEL_STEPS_MIN: tuple[int, ...] = (10, 20)
#: Extra monthly budget tried (DKK).
BUDGET_STEPS_DKK: tuple[int, ...] = (100, 200)
#: The language an interpreter translates from and into (``interpreter`` suggestions).
BRIDGE = "da"
#: Ways to travel tried when the patient does not have them.
MODES_TO_TRY: tuple[str, ...] = ("bike", "bus", "flextrafik")


@dataclass(frozen=True)
class Blocker:
    """A rule that removed options: ``sessions`` it removes (of ``of``), ``only``
    of them for no other reason."""

    rule: str
    sessions: int
    only: int
    of: int
    text: str


@dataclass(frozen=True)
class Suggestion:
    """One change to the patient's profile and exactly what it opens.

    ``changes`` are ``patients.csv`` cells to set; applying them to the
    profile gives ``options`` sessions that fit (free places counted), at
    ``places`` different offers.
    """

    change: str
    group: str
    changes: Mapping[str, str]
    options: int
    places: int
    text: str


@dataclass(frozen=True)
class NothingFits:
    """Why a patient has no option, and what would open the most."""

    patient_id: str
    text: str
    blockers: tuple[Blocker, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    tried: tuple[Suggestion, ...] = field(default=(), repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON (without ``tried``)."""
        return {
            "text": self.text,
            "blockers": [asdict(b) for b in self.blockers],
            "suggestions": [{**asdict(s), "changes": dict(s.changes)} for s in self.suggestions],
        }


def blockers(found: Evaluated, words: Wording, limit: int = 3) -> tuple[Blocker, ...]:
    """The rules that removed the most of one patient's options (evaluated with
    ``explain=True``), most decisive first.

    Only sessions of the kinds the patient could have count: home visits for
    someone who stays at home, places outside the home for everyone else.
    """
    m, p, fails = found.model, found.index, found.evaluation.fails
    if fails is None:
        raise ValueError("evaluate the patient with explain=True")
    home = m.o_kind[m.s_offer] == HOME_VISIT
    bound = bool(m.p_home_bound[p])
    relevant = home if bound else (~home | bool(m.p_individual[p]))
    of = int(relevant.sum())
    if bound and of == 0:
        return (Blocker("home", m.n_sessions, m.n_sessions, m.n_sessions, words("rule_home_only")),)
    alone, total = exclusion_counts(fails[:, 0, relevant])
    ranked = sorted(range(len(RULES)), key=lambda r: (-alone[r], -total[r], r))
    out = []
    for r in ranked[:limit]:
        if total[r] == 0:
            continue
        name = RULES[r]
        text = words("removed", text=words(f"rule_{name}"), count=int(total[r]), total=of)
        out.append(Blocker(name, int(total[r]), int(alone[r]), of, text))
    return tuple(out)


@dataclass(frozen=True)
class _Change:
    """One change to try: its key and group, the new values (typed, as the loader
    gives them), and its phrase."""

    key: str
    group: str
    typed: dict[str, Any]
    phrase: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def cells(self) -> dict[str, str]:
        """The change as ``patients.csv`` cells."""
        return patient_cells(self.typed)

    def text(self, words: Wording, options: int, places: int) -> str:
        values = dict(self.values)
        if "mode" in values:
            values["mode"] = words.names("modes")[values["mode"]]
        return words(
            self.phrase,
            found=words.found(options, places),
            options=options,
            tider=words("one_time" if options == 1 else "many_times"),
            **values,
        )


def _candidates(row: pd.Series, recommender: Evaluator) -> list[_Change]:
    """Every single change worth trying for this patient, gentlest first within a group."""
    home_bound = bool(row["home_bound"])
    out: list[_Change] = []
    if not home_bound:
        limit = int(row["max_travel_min"])
        for extra in TRAVEL_STEPS_MIN:
            out.append(
                _Change(
                    f"travel+{extra}",
                    "travel",
                    {"max_travel_min": limit + extra},
                    "if_travel",
                    {"extra": extra, "limit": limit + extra},
                )
            )
        modes = tuple(row["modes"])
        for mode in MODES_TO_TRY:
            if mode not in modes:
                out.append(
                    _Change(
                        f"mode:{mode}",
                        "mode",
                        {"modes": (*modes, mode)},
                        "if_mode",
                        {"mode": mode},
                    )
                )
    spoken = tuple(row["languages"])
    offered = recommender.offered_languages
    # an interpreter translates between Danish and the patient's language: someone who
    # speaks no Danish gains Danish, not every other language of the offers
    more = [c for c in offered if c not in spoken and (c == BRIDGE or BRIDGE in spoken)]
    if more:
        out.append(
            _Change(
                "interpreter",
                "language",
                {"languages": (*spoken, *more)},
                "if_interpreter",
            )
        )
    if recommender.has_online and not bool(row.get("online_ok", False)):
        out.append(_Change("online", "online", {"online_ok": True}, "if_online"))
    budget = float(row["budget_dkk_month"])
    for extra in BUDGET_STEPS_DKK:
        out.append(
            _Change(
                f"budget+{extra}",
                "budget",
                {"budget_dkk_month": budget + extra},
                "if_budget",
                {"extra": extra},
            )
        )
    if len(row["available"]):
        out.append(_Change("any_time", "time", {"available": ()}, "if_any_time"))
    tolerance = str(row["group_tolerance"])
    position = TOLERANCES.index(tolerance)
    if not home_bound and position < len(TOLERANCES) - 1:
        wider = TOLERANCES[position + 1]
        if wider == TOLERANCES[-1]:
            out.append(
                _Change(f"group:{wider}", "group", {"group_tolerance": wider}, "if_any_group")
            )
        else:
            out.append(
                _Change(
                    f"group:{wider}",
                    "group",
                    {"group_tolerance": wider},
                    "if_group",
                    {"limit": GROUP_LIMIT[wider]},
                )
            )
    if str(row["gender_pref"]) == "same":
        out.append(_Change("any_gender", "gender", {"gender_pref": "any"}, "if_any_gender"))
    if not home_bound and tolerance != "individual":
        out.append(_Change("home_visit", "home_visit", {"home_bound": True}, "if_home_visit"))
    return out


def what_would_open(
    recommender: Evaluator,
    patient: str | Mapping[str, Any],
    *,
    lang: str = "da",
    limit: int = 3,
    found: Evaluated | None = None,
) -> tuple[tuple[Suggestion, ...], tuple[Suggestion, ...]]:
    """The single changes that open the most options: (best few, every change tried).

    The best few keep one change per group (the one opening most; on a tie
    the smaller change), only changes that open anything, largest first, at
    most ``limit`` of them; a home visit, when one would fit, comes last as
    well, since it takes staff time that others need. ``found`` is the
    patient already evaluated, if at hand.

    Each change is a copy of the patient's checked row with new values of
    the loader's own types, so no cell is parsed twice.
    """
    words = wording(lang)
    row = found.row if found is not None else recommender.patient_row(patient).iloc[0]
    candidates = _candidates(row, recommender)
    if not candidates:
        return (), ()
    if _fast(recommender) and found is not None:
        opened = _quickly(recommender, found, candidates)[1]
    else:
        opened = _opened(recommender, row, candidates)
    return _ranked(candidates, opened, words, limit)


def _fast(recommender: Evaluator) -> bool:
    return bool(getattr(recommender, "fast", False))


def _ranked(
    candidates: list[_Change], opened: list[tuple[int, int]], words: Wording, limit: int
) -> tuple[tuple[Suggestion, ...], tuple[Suggestion, ...]]:
    """``what_would_open``'s answer from the sessions and offers each change opens."""
    if not candidates:
        return (), ()
    tried = []
    for change, (options, places) in zip(candidates, opened, strict=True):
        text = change.text(words, options, places)
        tried.append(Suggestion(change.key, change.group, change.cells, options, places, text))
    best: dict[str, tuple[int, Suggestion]] = {}
    for i, s in enumerate(tried):
        if s.options > 0 and (s.group not in best or s.options > best[s.group][1].options):
            best[s.group] = (i, s)
    home = best.pop("home_visit", None)
    ranked = sorted(best.values(), key=lambda item: (-item[1].options, item[0]))[:limit]
    if home is not None:
        ranked.append(home)
    return tuple(s for _, s in ranked), tuple(tried)


def _opened(
    recommender: Evaluator, row: pd.Series, candidates: list[_Change]
) -> list[tuple[int, int]]:
    """Sessions and offers each change opens: the changed rows as a frame, each
    evaluated in full against every session."""
    # each changed copy gets its own id; a router's travel times follow the patient
    own_id = str(row["patient_id"])
    ids = [f"{own_id}~{change.key}" for change in candidates]
    base = row.to_dict()
    rows = pd.DataFrame(
        [
            {**base, **change.typed, "patient_id": pid}
            for pid, change in zip(ids, candidates, strict=True)
        ]
    )
    model = recommender.model_for(rows, travel_times=_travel_for(recommender, own_id, ids))
    ev = evaluate(model, np.arange(len(rows)))
    return [_counted(model.s_offer, ev.feasible[i]) for i in range(len(candidates))]


def _quickly(
    recommender: Evaluator, found: Evaluated, candidates: list[_Change]
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The patient's own rule failures (``evaluate``'s ``fails`` with ``explain``) and
    what ``_opened`` gives, in one pass over the rules: the patient's typed columns
    and one copy per change with its new values, all travelling as the patient
    does; no costs."""
    base = recommender.columns_of(found)
    n = len(candidates)
    columns = {name: np.repeat(values, n + 1) for name, values in base.items()}
    for i, change in enumerate(candidates, start=1):
        for name, value in change.typed.items():
            columns[name][i] = value
    own_id = str(found.row["patient_id"])
    ids = [own_id, *(f"{own_id}~{c.key}" for c in candidates)]
    columns["patient_id"] = np.array(ids, dtype=object)
    model = found.model.with_patients(columns, _SameHome(found.model.travel, found.index))
    allowed, fails = explained(model, np.arange(n + 1))
    return fails, [_counted(model.s_offer, allowed[i]) for i in range(1, n + 1)]


def _counted(s_offer: np.ndarray, allowed: np.ndarray) -> tuple[int, int]:
    """How many sessions are allowed, and at how many offers."""
    sessions = np.flatnonzero(allowed)
    return len(sessions), len(np.unique(s_offer[sessions]))


class _SameHome:
    """The travel of patient ``index`` of ``source`` for every origin asked: copies of
    one patient travel as the patient does (changes never move the home). The
    patient's trips (a router's among them) are worked out once and repeated for
    each origin; the fastest by allowed modes, per origin."""

    def __init__(self, source: TravelTimeSource, index: int) -> None:
        self.source = source
        self.own = np.array([int(index)], dtype=np.int64)
        fastest = getattr(source, "best_minutes", None)
        if fastest is not None:

            def best_minutes(
                origins: np.ndarray, destinations: np.ndarray, allowed: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
                # per origin and offer alone (no table of trips by origin to overwrite)
                same = np.repeat(self.own, len(origins))
                best: tuple[np.ndarray, np.ndarray] = fastest(same, destinations, allowed)
                return best

            self.best_minutes = best_minutes

    def minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        found: np.ndarray = self.source.minutes(self.own, destinations)
        return np.repeat(found, len(origins), axis=0)


def _travel_for(recommender: Evaluator, own_id: str, ids: list[str]) -> pd.DataFrame | None:
    """The router's travel times with the patient's own rows copied to each id."""
    table = recommender.dataset.travel_times
    if table is None or len(table) == 0:
        return None
    own = table[table["origin_id"] == own_id]
    copies = [own.assign(origin_id=pid) for pid in ids]
    return pd.concat([table, *copies], ignore_index=True)


def nothing_fits(
    recommender: Evaluator,
    patient: str | Mapping[str, Any],
    *,
    lang: str = "da",
    limit: int = 3,
    found: Evaluated | None = None,
) -> NothingFits:
    """Why ``patient`` has no option, and the few changes that would open the most.

    ``found`` is the patient already evaluated (then it is not checked again).
    """
    words = wording(lang)
    if found is not None and found.evaluation.fails is None and _fast(recommender):
        return _nothing_fits_quickly(recommender, found, words, limit)
    if found is None:
        found = recommender.evaluate(patient, explain=True)
    elif found.evaluation.fails is None:
        ev = evaluate(found.model, np.array([found.index]), explain=True)
        found = replace(found, evaluation=ev)
    p = found.index
    if found.model.p_escalate[p]:
        return NothingFits(found.patient_id, words("escalated"))
    if found.model.n_sessions == 0:
        return NothingFits(found.patient_id, words("no_sessions"))
    suggestions, tried = what_would_open(recommender, patient, lang=lang, limit=limit, found=found)
    return NothingFits(
        found.patient_id,
        words("nothing_fits"),
        blockers(found, words),
        suggestions,
        tried,
    )


def _nothing_fits_quickly(
    recommender: Evaluator, found: Evaluated, words: Wording, limit: int
) -> NothingFits:
    """``nothing_fits`` of a patient evaluated without ``explain``: the patient's rule
    failures and every change in one pass (``_quickly``)."""
    if found.model.p_escalate[found.index]:
        return NothingFits(found.patient_id, words("escalated"))
    if found.model.n_sessions == 0:
        return NothingFits(found.patient_id, words("no_sessions"))
    candidates = _candidates(found.row, recommender)
    fails, opened = _quickly(recommender, found, candidates)
    found = replace(found, evaluation=replace(found.evaluation, fails=fails))
    suggestions, tried = _ranked(candidates, opened, words, limit)
    return NothingFits(
        found.patient_id,
        words("nothing_fits"),
        blockers(found, words),
        suggestions,
        tried,
    )
