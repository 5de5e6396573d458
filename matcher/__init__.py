"""Brobygger: match people finishing rehabilitation to a next step that fits.

The public interface::

    from matcher import load_dataset, recommend, plan
    ds = load_dataset("data/activities")   # raises matcher.InputError listing every problem
    result = plan(ds, time_limit=30)       # result.assignments is PLAN.csv as a DataFrame
"""

from __future__ import annotations

from .batch import plan
from .errors import BrobyggerWarning, InputError, PrecisionWarning, Problem
from .io import Dataset, load_dataset
from .recommend import Recommender, recommend
from .result import Plan
from .schedule import Schedule, schedule
from .weights import Weights

__version__ = "0.1.0"

__all__ = [
    "BrobyggerWarning",
    "Dataset",
    "InputError",
    "Plan",
    "PrecisionWarning",
    "Problem",
    "Recommender",
    "Schedule",
    "Weights",
    "__version__",
    "load_dataset",
    "plan",
    "recommend",
    "schedule",
]
