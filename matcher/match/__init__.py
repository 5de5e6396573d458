"""The rules of a match and the cost of each pairing, shared by every door.

``weights`` holds the tunable cost weights; ``model`` turns a ``Dataset`` into
the arrays of a ``MatchModel``; ``rules`` holds the hard rules (``RULE_TABLE``);
``costs`` holds the cost terms (``COST_TABLE``) and evaluates patients against
sessions; ``explain`` says why someone was not
placed; ``newcomers`` adds typed-in profiles to a model.
"""
