"""The Voila app: state (traitlets) apart from views (ipywidgets).

``BrobyggerApp`` and ``default_app`` are imported on first use, so that
``brobygger app`` (which only needs ``matcher.ui.launch``) starts Voila without
importing the widgets first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import BrobyggerApp, default_app

__all__ = ["BrobyggerApp", "default_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
