"""Plain-language reasons for one option: what fits and what is less good.

The reasons read the same quantities the cost model weighs (travel, waiting,
time of day, group size, interests, continuity, fee), so they explain the
ranking, in the patient's own words from ``matcher.words.patient``: "12 min på
cykel", "starter om 9 dage", "gruppe på ca. 10: større end du foretrækker".
They never mention vulnerability flags or priority.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..domain import GROUP_LIMIT, MODES, TOLERANCES
from ..match.costs import HOME_VISIT, Evaluation, MatchModel
from ..match.rules import interpreter_only
from ..match.transport import ONLINE
from ..words.patient import Wording

__all__ = ["NEAR_LIMIT_SHARE", "SOON_DAYS", "option_reasons"]

#: A first date within this many days reads as a good thing ("starts in 9 days").
SOON_DAYS = 14
#: Travel or group size above this share of the patient's own limit reads as
#: "less good" (close to the limit, larger than preferred).
NEAR_LIMIT_SHARE = 0.75


def option_reasons(
    model: MatchModel,
    evaluation: Evaluation,
    s: int,
    row: pd.Series,
    offer: Mapping[str, Any],
    today: np.datetime64,
    words: Wording,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What fits and what is less good about session ``s`` for one patient.

    ``evaluation`` holds that patient alone (shape (1, sessions)) and
    ``model`` holds the patient at ``evaluation.patients[0]``; ``row`` is the
    patient's typed row and ``offer`` the session's offer (its
    ``offers.csv`` values); ``today`` counts the days until the start.
    """
    m, ev, p = model, evaluation, int(evaluation.patients[0])
    o = int(m.s_offer[s])
    fits: list[str] = []
    less: list[str] = []
    # travel
    minutes = int(np.ceil(float(ev.travel_min[0, s]) - 1e-6))
    limit = float(m.p_max_travel[p])
    if m.o_kind[o] == HOME_VISIT:
        fits.append(words("at_home"))
    elif int(ev.mode[0, s]) == ONLINE:
        fits.append(words("online"))
    else:
        mode = words.names("modes")[MODES[int(ev.mode[0, s])]]
        if minutes > NEAR_LIMIT_SHARE * limit and minutes > 10:
            less.append(words("travel_far", minutes=minutes, mode=mode, limit=int(limit)))
        else:
            fits.append(words("travel", minutes=minutes, mode=mode))
    # when it starts
    days = int(ev.start_day[0, s] - today.astype(np.int64))
    if days > SOON_DAYS:
        less.append(words("starts_late", days=days))
    elif days <= 0:
        fits.append(words("starts_today"))
    elif days == 1:
        fits.append(words("starts_tomorrow"))
    else:
        fits.append(words("starts_in", days=days))
    # time of day
    if ev.term("time_of_day_hours")[0, s] > 0:
        if m.s_start[s] < m.weights.comfortable_start:
            less.append(words("early", clock=words.clock(int(m.s_start[s]))))
        else:
            less.append(words("late", clock=words.clock(int(m.s_end[s]))))
    # group size
    size = int(m.o_group[o])
    tolerance = str(row["group_tolerance"])
    if size == 1:
        if m.o_kind[o] != HOME_VISIT:
            fits.append(words("one_to_one"))
    elif tolerance != TOLERANCES[-1] and size > NEAR_LIMIT_SHARE * GROUP_LIMIT[tolerance]:
        less.append(words("group_larger", size=size))
    elif size <= GROUP_LIMIT["small"]:
        fits.append(words("small_group", size=size))
    elif size <= GROUP_LIMIT["medium"]:
        fits.append(words("group", size=size))
    else:
        fits.append(words("big_group", size=size))
    # interests and continuity
    liked = [t for t in offer["tags"] if t in set(row["interests"])]
    if liked:
        fits.append(words("interest", tags=words.tags(liked)))
    elif ev.term("interest_miss")[0, s] > 0:
        less.append(words("no_interest"))
    if str(row["prior_offer_id"]):
        continuity = ev.term("continuity_miss")[0, s]
        if continuity == 0:
            fits.append(words("same_team"))
        elif continuity < 1:
            fits.append(words("same_place"))
    # the offer itself
    if offer["supervised"]:
        fits.append(words("supervised"))
    spoken = [c for c in offer["languages"] if c in set(row["languages"])]
    if spoken and "da" not in spoken:
        fits.append(words("spoken_in", languages=words.languages(spoken)))
    if interpreter_only(m, np.array([p]))[0, o]:
        at = "interpreter_first" if int(m.o_interpreter[o]) == 1 else "interpreter_all"
        heard = [c for c in offer["interpreter_languages"] if c in set(row["languages"])]
        fits.append(words(at, languages=words.languages(heard)))
    if offer.get("trial_free", False):
        fits.append(words("trial_free"))
    gender = str(offer["gender"])
    if gender in ("men", "women"):
        fits.append(words(f"{gender}_only"))
    if str(offer["intensity"]) == "low":
        fits.append(words("gentle"))
    fee = float(m.o_fee[o])
    if fee > 0:
        less.append(words("fee", money=words.money(fee)))
    else:
        fits.append(words("free"))
    return tuple(fits), tuple(less)
