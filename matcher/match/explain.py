"""Plain-language reasons: why a patient has no option.

The reason names the rule that removed the options, with the numbers that
make it concrete ("too far away: all 24 sessions that fit otherwise are over
20 min by walking or bus; the nearest is 27 min"). It never mentions
vulnerability flags.

The words are the catalogue's (``staff`` context, ``reason_*`` keys). The
plan writes its reasons in English, the language of ``PLAN.csv``;
``reason_in`` reads one back through the same templates and says it in
another language, which is how the app shows it on a Danish page.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache, lru_cache

import numpy as np

from ..domain import MODES
from ..words.app import has_text, plural_text, text
from .costs import HOME_VISIT, RULES, THREADS, Evaluation, MatchModel, evaluate

__all__ = ["ESCALATED_REASON", "exclusion_counts", "reason_in", "reasons_for", "taken_reason"]

#: The language of ``PLAN.csv``'s ``reason`` column (part of the file's contract).
FILE_LANG = "en"
ESCALATED_REASON = text("reason_escalated", FILE_LANG)


def _rule_key(name: str) -> str:
    """The catalogue key of how rule ``name`` reads when it removed options."""
    return "reason_escalated" if name == "escalated" else f"reason_rule_{name}"


def _rule_phrase(name: str, lang: str) -> str:
    key = _rule_key(name)
    return text(key, lang) if has_text(key) else name


def taken_reason(options: int, lang: str = FILE_LANG) -> str:
    """Reason for a patient whose options all went to others."""
    return plural_text("reason_taken", options, lang, options=options)


def exclusion_counts(fails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For one patient's (rules, sessions) failures: sessions each rule alone
    removes, and sessions each rule removes at all."""
    n_failing = fails.sum(axis=0)
    alone = (fails & (n_failing == 1)[None, :]).sum(axis=1)
    return alone, fails.sum(axis=1)


def _modes_text(modes: list[str], lang: str) -> str:
    """The travel modes of a reason, joined by "or" (``walk or bus``)."""
    words = [text(f"reason_mode_{m}", lang) if has_text(f"reason_mode_{m}") else m for m in modes]
    return f" {text('reason_or', lang)} ".join(words) or text("reason_any_mode", lang)


def _travel_detail(model: MatchModel, p: int, nearest: float, lang: str) -> str:
    limit = int(model.p_max_travel[p])
    modes = [m for m, has in zip(MODES, model.p_modes[p], strict=True) if has]
    if np.isfinite(nearest):
        return text(
            "reason_travel_nearest",
            lang,
            limit=limit,
            modes=_modes_text(modes, lang),
            nearest=int(np.ceil(nearest)),
        )
    return text("reason_travel", lang, limit=limit, modes=_modes_text(modes, lang))


def _transport_detail(model: MatchModel, p: int, money: tuple[float, int], lang: str) -> str:
    """How far the fee and the fares of the cheapest session go over the budget."""
    total, mode = money
    name = MODES[mode] if 0 <= mode < len(MODES) else ""
    fares = text(f"reason_fares_{name}", lang) if has_text(f"reason_fares_{name}") else name
    return text(
        "reason_transport",
        lang,
        fares=fares,
        total=int(np.ceil(total - 1e-6)),
        budget=int(np.floor(model.p_budget[p] + 1e-6)),
    )


def _reason(
    model: MatchModel,
    p: int,
    alone: np.ndarray,
    total: np.ndarray,
    n: int,
    near: float,
    money: tuple[float, int] | None = None,
) -> str:
    """The reason for patient ``p`` from the sessions each rule removes alone and at all;
    ``money`` (fee and fares in DKK a month, and the mode) when the fee rule removed a
    session whose fee alone fits the budget: the fares are what broke it."""
    lang = FILE_LANG
    if n == 0:
        reason = text("reason_no_kind", lang)
    else:
        ranked = sorted(range(len(RULES)), key=lambda r: (-alone[r], -total[r], r))
        parts = []
        for r in ranked[:2]:
            if total[r] == 0:
                continue
            name = RULES[r]
            values = {
                "rule": _rule_phrase(name, lang),
                "scope": text("reason_scope_only" if alone[r] else "reason_scope_one", lang),
                "count": int(alone[r]) if alone[r] else int(total[r]),
                "n": n,
            }
            if name == "travel":
                travel = _travel_detail(model, p, near, lang)
                parts.append(text("reason_part_travel", lang, travel=travel, **values))
            elif name == "fee" and money is not None:
                values["rule"] = text("reason_rule_fee_transport", lang)
                transport = _transport_detail(model, p, money, lang)
                parts.append(text("reason_part_transport", lang, transport=transport, **values))
            else:
                parts.append(text("reason_part", lang, **values))
            if alone[r] == 0:
                break
        reason = (
            text("reason_nothing_fits", lang, parts="; ".join(parts))
            if parts
            else text("reason_nothing", lang)
        )
    return text("reason_home_bound", lang, reason=reason) if model.p_home_bound[p] else reason


def reasons_for(model: MatchModel, patients: np.ndarray) -> list[str]:
    """A reason for each patient in ``patients`` who has no allowed session.

    Only sessions of the kinds a patient could have count as removed options:
    home visits for those who stay at home, places outside the home for
    everyone else (and home visits too for those who want one-to-one only).
    Patients are explained in blocks, vectorised.
    """
    patients = np.asarray(patients, dtype=np.int64)
    if model.n_sessions == 0:
        return [text("reason_no_data", FILE_LANG)] * len(patients)
    home = model.o_kind[model.s_offer] == HOME_VISIT
    travel_rule, fee_rule = RULES.index("travel"), RULES.index("fee")
    others = np.array([r != travel_rule for r in range(len(RULES))])
    not_fee = np.array([r != fee_rule for r in range(len(RULES))])
    in_budget = model.weights.transport.in_budget
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
        money = _fares_over(model, ev, rows, relevant, not_fee) if in_budget else {}
        return [
            ESCALATED_REASON
            if model.p_escalate[p]
            else _reason(
                model, p, alone[:, i], total[:, i], int(n_relevant[i]), nearest[i], money.get(i)
            )
            for i, p in enumerate(rows.tolist())
        ]

    blocks = [patients[lo : lo + step] for lo in range(0, len(patients), step)]
    if len(blocks) < 2:
        return [reason for rows in blocks for reason in explain(rows)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        out = [reason for found in pool.map(explain, blocks) for reason in found]
    return out


def _fares_over(
    model: MatchModel, ev: Evaluation, rows: np.ndarray, relevant: np.ndarray, not_fee: np.ndarray
) -> dict[int, tuple[float, int]]:
    """Per row of ``rows`` whose fee rule removed a session that the fee alone would
    fit: the cheapest fee plus fares of such a session (one that no other rule
    removes, when there is one) and its mode."""
    assert ev.fails is not None
    fee = model.o_fee[model.s_offer][None, :]
    by_fares = relevant & ev.fails[RULES.index("fee")] & (fee <= model.p_budget[rows, None] + 1e-9)
    money = fee + ev.term("transport_dkk")
    clean = by_fares & ~ev.fails[not_fee].any(axis=0)
    found: dict[int, tuple[float, int]] = {}
    for i in np.flatnonzero(by_fares.any(axis=-1)):
        pool = clean[i] if clean[i].any() else by_fares[i]
        s = int(np.argmin(np.where(pool, money[i], np.inf)))
        found[int(i)] = (float(money[i, s]), int(ev.mode[i, s]))
    return found


# -- a reason of PLAN.csv in another language --------------------------------
#: Values of a reason that are whole numbers.
_NUMBERS = frozenset({"count", "n", "options", "limit", "nearest", "total", "budget"})
#: Reasons that are one fixed text.
_FIXED = ("reason_escalated", "reason_no_data", "reason_no_kind", "reason_nothing")


class _Unknown(ValueError):
    """A text that is no reason the plan writes."""


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching ``template`` with its ``{values}`` filled in."""
    out, at = [], 0
    for found in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[at : found.start()]))
        name = found.group(1)
        out.append(f"(?P<{name}>\\d+)" if name in _NUMBERS else f"(?P<{name}>.+?)")
        at = found.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.DOTALL)


def _match(key: str, reason: str) -> dict[str, str] | None:
    found = _pattern(text(key, FILE_LANG)).fullmatch(reason)
    return None if found is None else found.groupdict()


def _reverse(phrase: str, keys: list[str]) -> str:
    """The key among ``keys`` whose text in the file's language is ``phrase``."""
    for key in keys:
        if has_text(key) and text(key, FILE_LANG) == phrase:
            return key
    raise _Unknown(phrase)


def _parts(joined: str) -> list[str]:
    """The parts of "nothing fits: a (...); b (...)", split at ``; `` outside brackets."""
    parts, depth, at = [], 0, 0
    for i, char in enumerate(joined):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and joined.startswith("; ", i):
            parts.append(joined[at:i])
            at = i + 2
    return [*parts, joined[at:]]


def _travel_in(detail: str, lang: str) -> str:
    for key in ("reason_travel_nearest", "reason_travel"):
        values = _match(key, detail)
        if values is not None:
            if values["modes"] == text("reason_any_mode", FILE_LANG):
                modes: list[str] = []
            else:
                modes = values["modes"].split(f" {text('reason_or', FILE_LANG)} ")
                unknown = [m for m in modes if m not in MODES]
                if unknown:
                    raise _Unknown(detail)
            return text(key, lang, **{**values, "modes": _modes_text(modes, lang)})
    raise _Unknown(detail)


def _transport_in(detail: str, lang: str) -> str:
    values = _match("reason_transport", detail)
    if values is None:
        raise _Unknown(detail)
    fares = [f"reason_fares_{m}" for m in MODES]
    values["fares"] = text(_reverse(values["fares"], fares), lang)
    return text("reason_transport", lang, **values)


def _part_in(part: str, lang: str) -> str:
    rules = [*(_rule_key(name) for name in RULES), "reason_rule_fee_transport"]
    for key in ("reason_part_travel", "reason_part_transport", "reason_part"):
        values = _match(key, part)
        if values is None:
            continue
        try:
            values["rule"] = text(_reverse(values["rule"], rules), lang)
            values["scope"] = text(
                _reverse(values["scope"], ["reason_scope_only", "reason_scope_one"]), lang
            )
            if "travel" in values:
                values["travel"] = _travel_in(values["travel"], lang)
            if "transport" in values:
                values["transport"] = _transport_in(values["transport"], lang)
        except _Unknown:
            continue
        return text(key, lang, **values)
    raise _Unknown(part)


def _translate(reason: str, lang: str) -> str:
    for key in _FIXED:
        if reason == text(key, FILE_LANG):
            return text(key, lang)
    for form in (1, 2):
        taken = _pattern(plural_text("reason_taken", form, FILE_LANG)).fullmatch(reason)
        if taken is not None:
            return taken_reason(int(taken["options"]), lang)
    home = _match("reason_home_bound", reason)
    if home is not None:
        return text("reason_home_bound", lang, reason=_translate(home["reason"], lang))
    nothing = _match("reason_nothing_fits", reason)
    if nothing is not None:
        parts = "; ".join(_part_in(part, lang) for part in _parts(nothing["parts"]))
        return text("reason_nothing_fits", lang, parts=parts)
    raise _Unknown(reason)


@lru_cache(maxsize=4096)
def reason_in(reason: str, lang: str) -> str:
    """A reason of ``PLAN.csv`` (written in English, the file's language) in
    ``lang``, read back through the catalogue's templates; a text that is no
    reason the plan writes is returned as it is."""
    if lang == FILE_LANG or not reason:
        return reason
    try:
        return _translate(reason, lang)
    except _Unknown:
        return reason
