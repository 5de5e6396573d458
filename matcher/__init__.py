"""Brobygger: match people finishing rehabilitation to a next step that fits.

The public interface::

    from matcher import load_dataset, recommend, plan
    ds = load_dataset("data/activities")   # raises matcher.InputError listing every problem
    result = plan(ds, time_limit=30)       # result.assignments is PLAN.csv as a DataFrame

Each name is imported from its module on first use, so ``import matcher`` (and
the app, whose Discharge tab needs neither the planner nor the municipality's
models) starts without loading OR-Tools, SciPy or the siting model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dataset.districts import read_districts
    from .dataset.load import Dataset, load_dataset
    from .discharge.options import Recommender, recommend
    from .discharge.recommendation import Recommendation
    from .errors import BrobyggerWarning, InputError, PrecisionWarning, Problem
    from .match.weights import Weights
    from .municipality.gaps import GapAnalysis, gap_analysis
    from .municipality.siting import NewActivity, SiteChoice, best_sites
    from .planning.plan import plan
    from .planning.result import Plan
    from .planning.schedule import Schedule, schedule

__version__ = "0.1.0"

#: Where each public name lives (module relative to this package).
_PUBLIC = {
    "read_districts": ".dataset.districts",
    "Dataset": ".dataset.load",
    "load_dataset": ".dataset.load",
    "Recommender": ".discharge.options",
    "recommend": ".discharge.options",
    "Recommendation": ".discharge.recommendation",
    "BrobyggerWarning": ".errors",
    "InputError": ".errors",
    "PrecisionWarning": ".errors",
    "Problem": ".errors",
    "Weights": ".match.weights",
    "GapAnalysis": ".municipality.gaps",
    "gap_analysis": ".municipality.gaps",
    "NewActivity": ".municipality.siting",
    "SiteChoice": ".municipality.siting",
    "best_sites": ".municipality.siting",
    "plan": ".planning.plan",
    "Plan": ".planning.result",
    "Schedule": ".planning.schedule",
    "schedule": ".planning.schedule",
}
#: Sub-packages loaded on first use.
_LAZY = ("store",)


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
        globals()[name] = value
        return value
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC) | set(_LAZY))


__all__ = [
    "BrobyggerWarning",
    "Dataset",
    "GapAnalysis",
    "InputError",
    "NewActivity",
    "Plan",
    "PrecisionWarning",
    "Problem",
    "Recommendation",
    "Recommender",
    "Schedule",
    "SiteChoice",
    "Weights",
    "__version__",
    "best_sites",
    "gap_analysis",
    "load_dataset",
    "plan",
    "read_districts",
    "recommend",
    "schedule",
]
