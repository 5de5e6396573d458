"""The Voila app: state (traitlets) apart from views (ipywidgets)."""

from .app import BrobyggerApp, default_app

__all__ = ["BrobyggerApp", "default_app"]
