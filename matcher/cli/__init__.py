"""The ``brobygger`` command line: thin commands over the public functions.

Exit status: 0 success; 2 bad input (every problem listed as
``file:row:column: message``, nothing written); 1 anything else.
"""

from __future__ import annotations

from . import (
    app_commands,
    data_commands,
    exchange_commands,
    fhir_commands,
    followup_commands,
    gaps_commands,
    many_commands,
    pathway_commands,
    plan_commands,
    recommend_commands,
    remind_commands,
    schedule_commands,
    serve_commands,
    store_commands,
)
from .common import app

__all__ = ["app", "main"]

# each module registers its commands on ``app`` when imported
_COMMAND_MODULES = (
    data_commands,
    plan_commands,
    pathway_commands,
    app_commands,
    store_commands,
    followup_commands,
    remind_commands,
    recommend_commands,
    schedule_commands,
    gaps_commands,
    serve_commands,
    many_commands,
    exchange_commands,
    fhir_commands,
)


def main() -> None:
    """Entry point of the ``brobygger`` console script."""
    app()
