"""The municipality's files: read, check and write them (knows no solver).

``schema`` names every file and column of the contract; ``tables`` reads one
CSV file, ``checker`` checks its cells against the spec with the parsers of
``cells``; ``load`` checks the links between files and gives a ``Dataset``;
``districts`` reads district maps (``district_checks`` checks them,
``district_grids`` lays a grid); ``profile`` checks a typed-in patient;
``export`` writes CSV and text safely; ``demo`` makes demo data
(``demo_places``, ``demo_people``).
"""
