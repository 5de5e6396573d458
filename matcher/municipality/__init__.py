"""The municipality's map: where next steps are missing and where a new one helps.

``gaps`` measures access (E2SFCA, from ``access``) and unplaced demand per
district; ``equity`` compares groups of people; ``siting`` chooses where new
activities would reach the most (the covering model in ``mclp``); ``gapmap``
draws the gaps. Counts below five are suppressed everywhere (``suppression``).
"""
