"""The solvers: arrays in, an assignment out (knows no dataset, no words).

``problem`` holds the one problem every solver takes (``AssignmentProblem``:
patients, places, arcs, scaling, side constraints), the knobs
(``SolverOptions``) and the ``Solution``; ``flow`` solves the plain
assignment as a min-cost flow; ``cpsat`` adds the side constraints; ``side``
re-plans neighbourhoods when staff hours bind; ``exact`` searches for a
proven best plan; ``greedy`` is the manual rule to compare with.
"""
