"""Brobygger: match people finishing rehabilitation to a next step that fits.

The public interface::

    from matcher import load_dataset, recommend, plan
    ds = load_dataset("data/activities")   # raises matcher.InputError listing every problem
    result = plan(ds, time_limit=30)       # result.assignments is PLAN.csv as a DataFrame
"""

from __future__ import annotations

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

#: Sub-packages loaded on first use, so ``import matcher`` stays quick.
_LAZY = ("store",)


def __getattr__(name: str) -> object:
    """``matcher.store``: the booking and follow-up store, imported when first used."""
    if name in _LAZY:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


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
