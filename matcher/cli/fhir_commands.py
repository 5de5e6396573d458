"""Referrals in and bookings out as HL7 FHIR R5: ``fhir-import`` and ``fhir-export``.

``fhir-import SRC DIR`` reads the ``ServiceRequest`` referrals of a Bundle, an
``.ndjson`` file or a folder of them (``matcher.dataset.fhir_referrals``) into
``DIR/patients.csv`` (``matcher.dataset.fhir_patients``): the file is written
whole or not at all, a pseudonym already in it is refused unless ``--replace``,
and every field that was not read is listed. A CPR number anywhere in the
input refuses it all (exit 2). ``fhir-export --db URL --out FILE.json`` writes
the store's bookings as ``Appointment`` and its follow-up tasks as ``Task``
resources in one Bundle (``matcher.store.fhir_export``). Both need the ``fhir``
extra (``pip install 'brobygger[fhir]'``) and say so without it (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .common import after_writing, app, check_outputs, handle_errors, out, say, say_n, say_note
from .store_commands import DbOption


def _need_fhir(command: str) -> None:
    """Refuse the command, naming the extra to install, without ``fhir.resources``."""
    from ..dataset.fhir_profile import fhir_missing

    missing = fhir_missing(command)
    if missing is not None:
        raise InputError([missing])


@app.command("fhir-import", help=say("cmd_fhir-import"))
@handle_errors
def fhir_import(
    src: Annotated[Path, typer.Argument(help=say("help_fhir_src"))],
    directory: Annotated[Path, typer.Argument(help=say("help_fhir_dir"))],
    *,
    replace: Annotated[bool, typer.Option("--replace", help=say("help_fhir_replace"))] = False,
) -> None:
    """Read referrals (FHIR R5 ServiceRequest resources: a Bundle, an .ndjson file or a folder of them) into DIR/patients.csv; a CPR number anywhere refuses the whole input."""  # noqa: E501
    from ..dataset.fhir_patients import write_patients
    from ..dataset.fhir_referrals import read_referrals

    _need_fhir("fhir-import")
    check_outputs([directory / "patients.csv"], example="DIR/patients.csv")
    found = read_referrals(src)
    merged = write_patients(found, directory, replace=replace)
    with after_writing():
        out.print(
            say(
                "fhir_imported",
                path=merged.path,
                added=len(merged.added),
                replaced=len(merged.replaced),
            ),
            soft_wrap=True,
        )
        if found.notes:
            out.print(say_n("fhir_not_read", len(found.notes)), soft_wrap=True)
        for note in found.notes:
            out.print(say("fhir_note_line", note=say_note(note)), soft_wrap=True)


@app.command("fhir-export", help=say("cmd_fhir-export"))
@handle_errors
def fhir_export(
    *,
    out_file: Annotated[Path, typer.Option("--out", help=say("help_fhir_out"))],
    db: DbOption = None,
) -> None:
    """Write the store's bookings as FHIR R5 Appointment and its follow-up tasks as Task resources, in one Bundle (JSON)."""  # noqa: E501
    from ..store import open_store
    from ..store.fhir_export import write_fhir_bundle

    _need_fhir("fhir-export")
    check_outputs([out_file], example="bookings.json")
    with open_store(db) as store:
        written = write_fhir_bundle(store, out_file)
    with after_writing():
        out.print(
            say(
                "fhir_exported",
                path=written.path,
                appointments=written.appointments,
                tasks=written.tasks,
            ),
            soft_wrap=True,
        )
