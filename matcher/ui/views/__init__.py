"""Widget views; each renders one state object and calls its actions."""
