"""The catalogue in other standards: ``export`` and ``import-catalogue``.

``export --format hsds DIR OUT`` writes the offers and sessions of a dataset as
Open Referral HSDS 3 tables with a Frictionless ``datapackage.json``;
``--format openactive`` as OpenActive SessionSeries (JSON-LD). OUT is a
folder, written whole or not at all. ``import-catalogue --format hsds|openactive
SRC DIR`` reads such files into DIR's ``offers.csv`` and ``sessions.csv``
(both or neither; other files in DIR are left alone) and lists every field of
SRC it could not map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..words.problems import problem
from .common import after_writing, app, handle_errors, out, say, say_n

#: The standards the catalogue is exchanged in.
FORMATS = ("hsds", "openactive")

FormatOption = Annotated[str, typer.Option("--format", help=say("help_exchange_format"))]


def _format(value: str) -> str:
    chosen = value.strip().lower()
    if chosen not in FORMATS:
        raise InputError(
            [
                problem(
                    "--format",
                    None,
                    None,
                    "'{value}' is not a catalogue format ({known})",
                    value=value,
                    known=", ".join(FORMATS),
                )
            ]
        )
    return chosen


@app.command(help=say("cmd_export"))
@handle_errors
def export(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    out_dir: Annotated[Path, typer.Argument(metavar="OUT", help=say("help_export_out"))],
    *,
    format: FormatOption = "hsds",
) -> None:
    """Write the catalogue of a dataset as HSDS 3 tables or OpenActive JSON-LD."""
    from ..dataset.exchange import write_folder
    from ..dataset.load import load_dataset

    chosen = _format(format)
    dataset = load_dataset(directory)
    if chosen == "hsds":
        from ..dataset.hsds import hsds_files

        files = hsds_files(dataset)
    else:
        from ..dataset.openactive import openactive_files

        files = openactive_files(dataset)
    write_folder(files, out_dir)
    with after_writing():
        out.print(
            say("exported", offers=len(dataset.offers), folder=out_dir, files=len(files)),
            soft_wrap=True,
        )


@app.command("import-catalogue", help=say("cmd_import-catalogue"))
@handle_errors
def import_catalogue(
    source: Annotated[Path, typer.Argument(help=say("help_import_source"))],
    directory: Annotated[Path, typer.Argument(help=say("help_import_directory"))],
    *,
    format: FormatOption = "hsds",
) -> None:
    """Read HSDS 3 tables or OpenActive JSON-LD into offers.csv and sessions.csv."""
    from ..dataset.exchange import write_catalogue

    chosen = _format(format)
    if chosen == "hsds":
        from ..dataset.hsds_import import read_hsds

        imported = read_hsds(source)
    else:
        from ..dataset.openactive import read_openactive

        imported = read_openactive(source)
    written = write_catalogue(imported, directory)
    with after_writing():
        out.print(
            say("imported", offers=len(imported.offers), sessions=len(imported.sessions)),
            soft_wrap=True,
        )
        if imported.unmapped:
            out.print(say_n("unmapped_header", len(imported.unmapped)), soft_wrap=True)
            for line in imported.unmapped:
                out.print(f"  {line}", soft_wrap=True)
        else:
            out.print(say("unmapped_none"), soft_wrap=True)
        for path in written:
            out.print(say("wrote", path=path), soft_wrap=True)
