"""The planner's work: the batch plan, the schedule over weeks, and routes.

``plan`` builds and solves the batch plan of PLAN.csv; ``result`` is the
``Plan`` it returns; ``horizon`` models cohorts over weeks; ``candidates``
reads proposed new teams; ``whatif`` asks which candidates to open;
``routes`` drives the home-visit staff; ``schedule`` ties them together and
``report`` words the schedule.
"""
