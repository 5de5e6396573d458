"""The solvers: arrays in, an assignment out (knows no dataset, no words).

``problem`` holds the shared types (arcs, scaling, side constraints, the
solution) and CP-SAT; ``flow`` solves the plain assignment as a min-cost
flow; ``side`` re-plans neighbourhoods when staff hours bind; ``exact``
searches for a proven best plan.
"""
