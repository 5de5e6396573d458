"""The closing conversation: the few next steps that fit one person, and why.

``evaluate`` checks one patient against every session; ``options`` ranks and
varies what fits (``Recommender``, ``recommend``) into a ``Recommendation``
(``recommendation``); ``suggest`` says what would open more when nothing
fits; ``reasons`` words each option; ``handout`` prints the patient's page.
"""
