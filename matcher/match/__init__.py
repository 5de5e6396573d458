"""The rules of a match and the cost of each pairing, shared by every door.

``weights`` holds the tunable cost weights; ``model`` turns a ``Dataset`` into
the arrays of a ``MatchModel``; ``costs`` holds the hard rules and cost terms
and evaluates patients against sessions; ``explain`` says why someone was not
placed; ``newcomers`` adds typed-in profiles to a model.
"""
