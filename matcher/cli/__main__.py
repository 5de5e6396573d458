"""``python -m matcher.cli``: the same as the ``brobygger`` command."""

from . import main

main()
