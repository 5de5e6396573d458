"""The municipality's files: read, check and write them (knows no solver).

``schema`` names every file and column of the contract; ``tables`` reads one
CSV cell by cell; ``load`` checks the links between files and gives a
``Dataset``; ``districts`` reads district maps; ``profile`` checks a typed-in
patient; ``export`` writes CSV and text safely; ``demo`` makes demo data.
"""
