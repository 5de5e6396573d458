"""Brobygger: match people finishing rehabilitation to a next step that fits.

The public interface::

    from matcher import load_dataset, recommend, plan
    ds = load_dataset("data/activities")   # raises matcher.InputError listing every problem
    result = plan(ds, time_limit=30)       # result.assignments is PLAN.csv as a DataFrame
"""

from __future__ import annotations

from .batch import plan
from .errors import BrobyggerWarning, InputError, PrecisionWarning, Problem
from .gaps import GapAnalysis, gap_analysis
from .geo import read_districts
from .io import Dataset, load_dataset
from .recommend import Recommender, recommend
from .result import Plan
from .schedule import Schedule, schedule
from .siting import NewActivity, SiteChoice, best_sites
from .weights import Weights

__version__ = "0.1.0"

__all__ = [
    "BrobyggerWarning",
    "Dataset",
    "GapAnalysis",
    "InputError",
    "NewActivity",
    "Plan",
    "PrecisionWarning",
    "Problem",
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
