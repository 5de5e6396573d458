"""Commands for the municipality: ``brobygger gaps`` and ``brobygger sites``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ..domain import KINDS, WEEKDAY_WORDS, WEEKDAYS
from ..errors import InputError, Problem
from ..words.problems import problem
from .common import (
    SECONDS,
    SEED,
    DialectOption,
    ExcelOption,
    WeightsOption,
    app,
    check_outputs,
    err,
    finite,
    handle_errors,
    out,
    report_warnings,
    say,
    say_code,
    say_n,
    say_note,
    table_dialect,
    table_files,
    workbook_lang,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from ..dataset.load import Dataset
    from ..match.weights import Weights

DistrictsOption = Annotated[
    Path | None,
    typer.Option(
        "--districts",
        help=say("help_districts"),
    ),
]
WhereOption = Annotated[
    str | None,
    typer.Option("--where", help=say("help_where")),
]
IdColumnOption = Annotated[
    str,
    typer.Option("--id-column", help=say("help_id_column")),
]
NameColumnOption = Annotated[
    str,
    typer.Option("--name-column", help=say("help_name_column")),
]
TravelOption = Annotated[
    Path | None,
    typer.Option(
        "--travel-times",
        help=say("help_travel_times"),
    ),
]


def _weights(path: Path | None, problems: list[Problem]) -> Weights | None:
    from ..match.weights import Weights

    try:
        return Weights.load(path)
    except InputError as exc:
        problems += exc.problems
        return None


def _inputs(
    directory: Path,
    districts: Path | None,
    id_column: str,
    name_column: str,
    travel_times: Path | None,
    problems: list[Problem],
    *,
    where: str | None = None,
) -> tuple[Dataset, gpd.GeoDataFrame | None]:
    """The dataset, with the given travel times, and the given districts;
    raises one InputError listing the problems of every input at once."""
    from ..dataset.districts import WARNINGS, read_districts
    from ..dataset.files import require_regular_file
    from ..dataset.load import duplicate_travel_pairs, load_dataset
    from ..dataset.schema import TRAVEL_TIMES
    from ..dataset.tables import read_table

    dataset = shapes = table = None
    try:
        dataset = load_dataset(directory)
    except InputError as exc:
        problems += exc.problems
    if districts is not None:
        try:
            if districts.exists():  # a missing file is named by read_districts
                require_regular_file(districts)
            shapes = read_districts(
                districts, id_column=id_column, name_column=name_column, where=where
            )
        except InputError as exc:
            problems += exc.problems
    if travel_times is not None:
        if not travel_times.is_file():
            problems.append(problem(travel_times.name, None, None, "file not found"))
        else:
            spec = dataclasses.replace(TRAVEL_TIMES, name=travel_times.name)
            read = read_table(travel_times, spec)
            table = read.frame
            problems += read.problems
            if table is not None:
                problems += duplicate_travel_pairs(table, read.rows, spec.name)
            if table is not None and dataset is not None:
                offers = set(dataset.offers["offer_id"])
                problems += [
                    problem(
                        spec.name,
                        int(row),
                        "destination_id",
                        "offer '{offer}' is not in offers.csv",
                        offer=v,
                    )
                    for row, v in zip(read.rows, table["destination_id"], strict=True)
                    if v not in offers
                ]
    if where is not None and districts is None:
        problems.append(problem("--where", None, None, "goes with --districts FILE"))
    if problems or dataset is None:
        raise InputError(problems)
    if table is not None:
        dataset = dataset.replace(travel_times=table)
    report_warnings(dataset.warnings)
    if shapes is not None:
        report_warnings(list(shapes.attrs.get(WARNINGS, ())))
    return dataset, shapes


def _out_folder(out_dir: Path, problems: list[Problem]) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(problem(str(out_dir), None, None, "exists and is not a folder"))


@app.command(help=say("cmd_gaps"))
@handle_errors
def gaps(
    *,
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help=say("help_gaps_out")),
    ],
    districts: DistrictsOption = None,
    where: WhereOption = None,
    id_column: IdColumnOption = "district_id",
    name_column: NameColumnOption = "name",
    travel_times: TravelOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help=say("help_gaps_kind", kinds=", ".join(KINDS))),
    ] = None,
    band: Annotated[
        str | None,
        typer.Option(
            "--band",
            help=say("help_band"),
        ),
    ] = None,
    weights: WeightsOption = None,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """Map where patients have no suitable next step, per district and kind.

    Coverage is the share of a district's patients with at least one session
    that obeys every rule of a match; E2SFCA is places per 1,000 patients
    within 30 minutes of the district's population centre (faster of walking
    and bus; home visits: the staff's drive). Counts below 5, and shares and
    scores computed from them, are left empty, and so are the counts and
    shares that would let one be worked out by subtraction.
    """
    from ..dataset.export import atomic_path
    from ..municipality.gapmap import gaps_png
    from ..municipality.gaps import gap_analysis
    from ..municipality.geopackage import write_gpkg

    problems: list[Problem] = []
    if kind is not None and kind not in KINDS:
        problems.append(
            problem(
                "--kind",
                None,
                None,
                "'{value}' is not one of {options}",
                value=kind,
                options=", ".join(KINDS),
            )
        )
    if band is not None and band not in ("day", "evening"):
        problems.append(
            problem("--band", None, None, "'{value}' is not day or evening", value=band)
        )
    _out_folder(out_dir, problems)
    chosen_dialect = table_dialect(dialect)
    workbook = out_dir / "gaps.xlsx" if excel else None
    if workbook is not None:
        check_outputs([workbook], directory)
    chosen = _weights(weights, problems)
    dataset, shapes = _inputs(
        directory, districts, id_column, name_column, travel_times, problems, where=where
    )
    analysis = gap_analysis(dataset, shapes, weights=chosen, band=band or "any")
    png = gaps_png(analysis, [kind] if kind else None)
    with table_files(chosen_dialect, workbook):
        analysis.write(out_dir)
        with atomic_path(out_dir / "gaps.png") as tmp:
            tmp.write_bytes(png)
        gpkg = write_gpkg(
            analysis, dataset, out_dir / "gaps.gpkg", lang=workbook_lang(chosen_dialect)
        )
        _print_gaps(analysis.summary(), [kind] if kind else list(KINDS))
        out.print(say("wrote_gaps", folder=out_dir))
        out.print(say("wrote", path=gpkg), soft_wrap=True)


def _print_gaps(summary: dict[str, Any], kinds: list[str]) -> None:
    """Per kind, how many districts show their share and the lowest shown
    (``GapAnalysis.summary()``)."""
    listed = int(summary["districts"])
    view = Table(title=say("coverage_title", districts=say_n("districts", listed)))
    view.add_column(say("col_kind"))
    view.add_column(say("col_districts_shown"), justify="right")
    view.add_column(say("col_lowest_share"), justify="left")
    for kind in kinds:
        coverage = summary["coverage"][kind]
        low = coverage["lowest"]
        lowest = "-" if low is None else f"{low['name']} {low['served_share']:.0%}"
        shown = say("n_of_total", n=coverage["shown"], total=listed)
        view.add_row(say_code("kind", kind, kind.replace("_", " ")), shown, lowest)
    out.print(view)


@app.command(help=say("cmd_sites"))
@handle_errors
def sites(
    *,
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    kind: Annotated[
        str, typer.Option("--kind", help=say("help_sites_kind", kinds=", ".join(KINDS)))
    ],
    weekday: Annotated[str, typer.Option("--weekday", help=say("help_weekday"))],
    start: Annotated[str, typer.Option("--start", help=say("help_session_start"))],
    end: Annotated[str, typer.Option("--end", help=say("help_session_end"))],
    group_size: Annotated[
        int, typer.Option("--group-size", help=say("help_group_size"), min=1, max=200)
    ],
    fee: Annotated[
        float,
        typer.Option("--fee", help=say("help_fee"), min=0, max=100_000, callback=finite),
    ] = 0.0,
    k: Annotated[int, typer.Option("--k", help=say("help_k"), min=1, max=100)] = 3,
    intensity: Annotated[str, typer.Option(help=say("help_intensity"))] = "low",
    supervised: Annotated[
        bool, typer.Option("--supervised/--unsupervised", help=say("help_supervised"))
    ] = True,
    languages: Annotated[str, typer.Option(help=say("help_languages"))] = "da",
    diagnoses: Annotated[str, typer.Option(help=say("help_diagnoses"))] = "all",
    gender: Annotated[str, typer.Option(help=say("help_gender"))] = "any",
    among: Annotated[
        str,
        typer.Option(help=say("help_among")),
    ] = "kind",
    districts: DistrictsOption = None,
    where: WhereOption = None,
    id_column: IdColumnOption = "district_id",
    name_column: NameColumnOption = "name",
    travel_times: TravelOption = None,
    weights: WeightsOption = None,
    out_path: Annotated[Path | None, typer.Option("--out", help=say("help_sites_out"))] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help=say("help_sites_time_limit"), **SECONDS)
    ] = 30.0,
    seed: Annotated[int, typer.Option(help=say("help_seed"), **SEED)] = 0,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """Pick the K best sites (venues or district centres) for a new activity:
    together they serve the most patients who have no suitable option now.

    A site's count (serves, only here) and the total served by the chosen
    sites print as 'hidden' when below 5 or when they would let a count below
    5 be worked out from the others, one word for both so the two cannot be
    told apart, and are left empty in --out; the number of patients without a
    suitable option prints as 'fewer than 5' when it is below 5.
    """
    from ..municipality.siting import NewActivity, best_sites

    def listed(text: str) -> tuple[str, ...]:
        return tuple(p.strip() for p in text.replace("|", ";").split(";") if p.strip())

    activity = NewActivity(
        kind=kind,
        # the weekday words of the data; anything else ('Monkey') is named as it is
        weekday=WEEKDAYS[WEEKDAY_WORDS[weekday.lower()]]
        if weekday.lower() in WEEKDAY_WORDS
        else weekday,
        start=start,
        end=end,
        group_size=group_size,
        fee_dkk_month=fee,
        diagnoses=listed(diagnoses),
        languages=listed(languages),
        gender=gender,
        intensity=intensity,
        supervised=supervised,
    )
    problems = activity.problems()
    if k < 1:
        problems.append(problem("--k", None, None, "must be at least 1"))
    if among not in ("kind", "any"):
        problems.append(problem("--among", None, None, "'{value}' is not kind or any", value=among))
    if out_path is not None and out_path.is_dir():
        problems.append(problem(str(out_path), None, None, "is a folder; give a file name"))
    chosen_dialect = table_dialect(dialect)
    workbook = out_path.with_suffix(".xlsx") if excel and out_path is not None else None
    if excel and out_path is None:
        problems.append(problem("--excel", None, None, "goes with --out FILE"))
    if out_path is not None and out_path.suffix.lower() in (".gpkg", ".xlsx"):
        template = (
            "is a name for the {ending} file written beside --out; give a name ending in .csv"
        )
        problems.append(problem(str(out_path), None, None, template, ending=out_path.suffix))
    elif out_path is not None:
        check_outputs([out_path.with_suffix(".gpkg"), *([workbook] if workbook else [])], directory)
    chosen = _weights(weights, problems)
    dataset, shapes = _inputs(
        directory, districts, id_column, name_column, travel_times, problems, where=where
    )
    choice = best_sites(
        dataset,
        activity,
        k,
        districts=shapes,
        weights=chosen,
        among="any" if among == "any" else "kind",
        time_limit=time_limit,
        seed=seed,
    )
    table = choice.table()
    view = Table(
        title=say(
            "sites_title",
            n=len(table),
            candidates=choice.candidates,
            kind=say_code("kind", kind, kind.replace("_", " ")).lower(),
            weekday=say_code("day", weekday, weekday),
            start=start,
            end=end,
        )
    )
    for column in ("col_site", "col_lat_lon", "col_serves", "col_only_here"):
        right = column in ("col_serves", "col_only_here")
        view.add_column(say(column), justify="right" if right else "left")
    for row in table.itertuples():
        view.add_row(
            str(row.name),
            f"{row.lat:.5f}, {row.lon:.5f}",
            _count(row.serves),
            _count(row.only_here),
        )
    out.print(view)
    out.print(
        say(
            "sites_summary",
            unserved=_unserved(choice.unserved),
            served=_count(choice.shown_covered()),
            status=(
                say("proven_best")
                if choice.optimal
                else say_code("solver", choice.status, choice.status.lower())
            ),
        )
    )
    if table[["serves", "only_here"]].isna().any(axis=None) or choice.shown_covered() is None:
        out.print(say("hidden_note"))
    for note in choice.notes:
        err.print(say("note", note=say_note(note)))
    if out_path is not None:
        from ..municipality.geopackage import sites_gpkg, write_layers

        with table_files(chosen_dialect, workbook):
            choice.write(out_path)
            layers = sites_gpkg(choice, dataset, lang=workbook_lang(chosen_dialect))
            gpkg = write_layers(layers, out_path.with_suffix(".gpkg"))
            out.print(say("wrote", path=out_path))
            out.print(say("wrote", path=gpkg), soft_wrap=True)


def _count(value: object) -> str:
    """A site's count for the terminal: a suppressed one (missing) is "hidden",
    whether it is below 5 or would give one away: telling the two apart would
    give counts away (with 5 patients without an option, a hidden count that
    is not below 5 is exactly 5)."""
    import pandas as pd

    if value is None or value is pd.NA:
        return say("hidden")
    return str(int(str(value)))


def _unserved(value: int) -> str:
    """The number of patients without an option: hidden only below 5, so it
    says "fewer than 5" then, which tells nothing that "hidden" would not."""
    return say("fewer_than_5") if value < 5 else str(value)
