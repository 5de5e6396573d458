"""Gap analysis: coverage per district, kind and band; E2SFCA; suppression below 5."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from builders import build, offer, session
from gaps_support import CX, CY, analysis_of, at, people, pinned, two_districts
from shapely.geometry import box

from matcher import Dataset
from matcher.dataset.districts import read_districts
from matcher.domain import KINDS
from matcher.geo import CRS, OUTSIDE
from matcher.municipality.gaps import (
    BANDS,
    NO_SESSIONS,
    GapAnalysis,
    band_mask,
    gap_analysis,
)
from matcher.municipality.siting import NewActivity, best_sites


def coverage_dataset() -> Dataset:
    """One association walk in Vest on Monday mornings.

    Vest: 5 Danish speakers who fit and 5 who speak only Arabic; Øst: 6 who
    can walk only 20 minutes, 2.5 km from the walk.
    """
    return build(
        offers=[offer(**at(-1000))],
        sessions=[session(capacity=10)],
        patients=people(5, "V", -1000)
        + people(5, "A", -1000, languages="ar")
        + people(6, "E", 1500, max_travel_min=20),
    )


def test_share_and_reason_per_district() -> None:
    """Served share counts patients with an option; the others get the most common rule."""
    result = gap_analysis(coverage_dataset(), two_districts())
    table = result.table().set_index("district_id")
    assert table.loc["D1", "patients"] == 10
    assert result.reason[0, KINDS.index("association"), 0] == "language"
    assert table.loc["D2", "patients"] == 6
    assert result.reason[1, KINDS.index("association"), 0] == "travel"
    # a reason shows only with its share: Øst's "travel" would say that at least 5 of its
    # 6 have no option, so at most 1 of them one
    assert table[["reason_association"]].isna().all().all()
    # nobody served in Øst: a count below 5 (zero), so the share is left empty; and
    # Vest's 0.5 with it, else Øst's 0 would be the municipality's 5 served less Vest's 5
    assert pd.isna(table.loc["D2", "served_share_association"])
    assert pd.isna(table.loc["D1", "served_share_association"])
    assert result.served[:2, 2, 0].tolist() == [5, 0]


def test_kinds_without_sessions_say_so() -> None:
    """A kind with no session at all is excluded by 'no_sessions', not a rule."""
    table = gap_analysis(coverage_dataset(), two_districts()).table().set_index("district_id")
    assert table.loc["D1", "reason_exit_team"] == NO_SESSIONS
    assert table.loc["D2", "reason_home_visit"] == NO_SESSIONS


def test_time_bands_split_day_and_evening() -> None:
    """A Monday 10:00 session covers the day band only; evening has no sessions."""
    result = gap_analysis(coverage_dataset(), two_districts())
    assert result.served[0, 2, BANDS.index("day")] == 5
    long = result.long_table().set_index(["district_id", "kind", "band"])
    assert result.reason[0, KINDS.index("association"), BANDS.index("day")] == "language"
    assert long.loc[("D1", "association", "evening"), "reason"] == NO_SESSIONS
    assert result.served[0, 2, BANDS.index("evening")] == 0
    evening = gap_analysis(coverage_dataset(), two_districts(), band="evening").table()
    assert evening["reason_association"].tolist() == [NO_SESSIONS, NO_SESSIONS]


@pytest.mark.parametrize(
    ("start", "band"), [(0, "day"), (959, "day"), (960, "evening"), (1200, "evening")]
)
def test_band_edge_at_four_pm(start: int, band: str) -> None:
    """Sessions starting before 16:00 are daytime, at or after 16:00 evening."""
    assert band_mask(np.array([start]), band).tolist() == [True]
    other = "evening" if band == "day" else "day"
    assert band_mask(np.array([start]), other).tolist() == [False]


def analysis_with(patients: int, served: int, sharing: int | None = None) -> GapAnalysis:
    """A one-district analysis with these exact counts (association, every band);
    ``sharing`` unserved patients (default: all) share the most common reason."""
    shapes = two_districts().iloc[:1].assign(centre_x=CX, centre_y=CY)
    counts = np.array([[[served] * 3]])
    return GapAnalysis(
        districts=shapes,
        kinds=("association",),
        band="any",
        group_ids=np.array(["D1", OUTSIDE], dtype=object),
        group_names=np.array(["Vest", "outside every district"], dtype=object),
        patients=np.array([patients, 0]),
        offers=np.array([2, 0]),
        served=np.concatenate([counts, np.zeros_like(counts)]),
        reason=np.full((2, 1, 3), "travel", dtype=object),
        score=np.full((2, 1, 3), 12.5),
        reason_count=np.full((2, 1, 3), patients - served if sharing is None else sharing),
    )


@pytest.mark.parametrize(
    ("patients", "served", "share_shown", "reason_shown"),
    [
        (20, 10, True, True),
        (10, 5, True, True),
        (10, 4, False, False),  # 4 served: a count below 5; the reason goes with the share
        (10, 6, False, False),  # 4 unserved
        (10, 0, False, False),  # nobody served reveals everyone's outcome
        (10, 10, False, False),  # everybody served, likewise
        (4, 0, False, False),
    ],
)
def test_shares_hidden_when_any_count_is_below_five(
    patients: int, served: int, share_shown: bool, reason_shown: bool
) -> None:
    """A share shows only when served and unserved both number at least 5."""
    row = analysis_with(patients, served).table().iloc[0]
    assert pd.notna(row["served_share_association"]) == share_shown
    assert pd.notna(row["served_share_association_day"]) == share_shown
    assert pd.notna(row["reason_association"]) == reason_shown
    assert pd.notna(row["e2sfca_association"]) == (patients >= 5)


@pytest.mark.parametrize(("sharing", "shown"), [(5, True), (4, False)])
def test_reason_hidden_when_fewer_than_five_share_it(sharing: int, shown: bool) -> None:
    """The most common excluding rule shows only when at least 5 unserved patients share it."""
    row = analysis_with(30, 10, sharing=sharing).table().iloc[0]
    assert pd.notna(row["reason_association"]) == shown


def test_district_with_three_patients_shows_only_its_name() -> None:
    """A district with 3 patients shows nothing but its name in tables and GeoJSON."""
    result = analysis_with(3, 3)
    row = result.table().iloc[0]
    assert row[["district_id", "name"]].tolist() == ["D1", "Vest"]
    assert row.drop(["district_id", "name"]).isna().all()
    long = result.long_table()
    assert long[["patients", "served_share", "reason", "e2sfca"]].isna().all().all()
    feature = gpd.read_file(result.to_geojson()).iloc[0]
    assert feature["name"] == "Vest"
    assert feature.drop(["district_id", "name", "geometry"]).isna().all()


def test_outside_patients_are_counted_never_lost() -> None:
    """Patients outside every district form a visible 'outside' row; none is lost."""
    dataset = build(
        offers=[offer(**at(-1000))],
        patients=people(6, "V", -1000) + people(7, "F", 9000),
    )
    result = gap_analysis(dataset, two_districts())
    table = result.table().set_index("district_id")
    assert table.loc[OUTSIDE, "name"] == "outside every district"
    assert table.loc[OUTSIDE, "patients"] == 7
    assert pd.isna(table.loc[OUTSIDE, "e2sfca_association"])  # no catchment centre
    assert int(result.patients.sum()) == 13
    # Øst's 0 would be 13 - 6 - 7: Vest's count is hidden with it
    assert pd.isna(table.loc["D2", "patients"]) and pd.isna(table.loc["D1", "patients"])


@pytest.mark.parametrize(
    ("patients", "hidden", "shares_hidden"),
    [
        ([3, 10, 20], [True, True, False], None),  # one hidden: the next-smallest goes too
        ([20, 10, 3], [False, True, True], None),
        ([2, 2, 10, 20], [True, True, True, False], None),  # 2 + 2 is under 5
        # two cells, 5 people: enough for the counts; but nobody of the 5 is served,
        # which the municipality's total would tell: the next-smallest share goes too
        ([2, 3, 10, 20], [True, True, False, False], [True, True, True, False]),
        ([0, 12, 30], [True, True, False], None),  # a district of nobody is a count below 5 too
        ([10, 20, 30], [False, False, False], None),
        ([3, 10], [True, True], None),
    ],
)
def test_hidden_district_counts_cannot_be_worked_out_from_the_total(
    patients: list[int], hidden: list[bool], shares_hidden: list[bool] | None
) -> None:
    """Hidden district counts are at least two and add up to at least 5, shares go with them."""
    result = analysis_of(patients, [p // 2 if p >= 10 else 0 for p in patients])
    table = result.table()
    assert table["district_id"].tolist() == [f"D{i + 1}" for i in range(len(patients))]
    assert table["patients"].isna().tolist() == hidden
    counts = np.array(patients)
    mask = np.array(hidden)
    if mask.any():
        assert mask.sum() >= 2 and counts[mask].sum() >= 5
    # a hidden count hides its shares and score; a district of 5 or more keeps its offers
    assert table.loc[mask, "served_share_association"].isna().all()
    assert table.loc[mask, "served_share_association_day"].isna().all()
    assert table.loc[mask, "e2sfca_association"].isna().all()
    big = mask & (counts >= 5)
    assert table.loc[big, "offers"].notna().all()
    # half served in every district shown: nothing else hides, unless the served total would
    # tell the hidden districts' served patients
    expected = hidden if shares_hidden is None else shares_hidden
    assert table["served_share_association"].isna().tolist() == expected
    long = result.long_table()
    assert long.groupby("district_id", sort=False)["patients"].first().isna().tolist() == hidden


def derived(table: pd.DataFrame, column: str, total: int, unserved: int) -> list[str]:
    """Hidden counts of ``table`` that follow from what it shows and the municipality's
    totals: all ``total`` patients and the ``unserved`` of them without an option (as
    ``brobygger sites`` prints them, with the escalated added). A shown share times its
    district's shown patients gives the served and unserved patients exactly."""
    patients = table["patients"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    share = table[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    served = np.round(share * patients)
    return pinned(list(patients), list(served), total, total - unserved)


def test_derived_finds_the_leak_it_guards_against() -> None:
    """The check works: with only the one small share hidden, the total gives it away."""
    naive = pd.DataFrame({"patients": [10, 20, 30], "served_share_association": [None, 0.5, 0.5]})
    assert derived(naive, "served_share_association", 60, 7 + 10 + 15) == [
        "placed[0]",
        "unplaced[0]",
    ]


@pytest.mark.parametrize(
    ("patients", "served", "shares_hidden"),
    [
        # 3 served in D1: hidden, and the next-smallest served count (D4's 6) with it
        ([10, 20, 30, 12], [3, 10, 15, 6], [True, False, False, True]),
        # 3 unserved in D1: hidden, and the next-smallest unserved count (D2's 10) with it
        ([10, 20, 30], [7, 10, 15], [True, True, False]),
        # two small served counts adding up to 5: enough on their own
        ([10, 20, 30], [2, 3, 15], [True, True, False]),
        # equal next-smallest counts go together, whatever the order of the districts
        ([30, 10, 10], [15, 5, 5], [False, False, False]),
        ([10, 30, 30, 30], [3, 15, 15, 15], [True, True, True, True]),
        ([10, 20, 30], [5, 10, 15], [False, False, False]),
    ],
)
def test_one_hidden_share_of_a_kind_takes_the_next_smallest_with_it(
    patients: list[int], served: list[int], shares_hidden: list[bool]
) -> None:
    """Per kind, hidden served and unserved counts are at least two and add up to 5 or
    more, so the municipality's total of patients without an option gives none away."""
    result = analysis_of(patients, served)
    table = result.table()
    column = "served_share_association"
    assert table[column].isna().tolist() == shares_hidden
    for band in ("day", "evening"):
        assert table[f"{column}_{band}"].isna().tolist() == shares_hidden
    long = result.long_table()
    assert long["served_share"].isna().tolist() == shares_hidden * 3
    unserved = sum(patients) - sum(served)
    assert derived(table, column, sum(patients), unserved) == []
    assert (table["patients"].to_numpy() == patients).all()  # district counts stay


def test_printed_total_of_sites_does_not_give_a_district_away() -> None:
    """Øst's 6 patients of whom nobody is served cannot be worked out from Vest's share and
    the number of patients without an option that brobygger sites prints."""
    dataset = coverage_dataset()
    walk = NewActivity(kind="association", weekday="tue", start="10:00", end="11:00", group_size=8)
    unserved = best_sites(dataset, walk, 1, districts=two_districts()).unserved
    assert unserved == 5 + 6
    table = gap_analysis(dataset, two_districts()).table()
    assert table["patients"].tolist() == [10, 6]
    assert table["served_share_association"].isna().all()
    assert derived(table, "served_share_association", 16, unserved) == []


@pytest.fixture(scope="module")
def demo_gaps(demo: Dataset) -> GapAnalysis:
    return gap_analysis(demo)


def test_demo_sites_total_and_shares_give_no_hidden_count_away(
    demo: Dataset, demo_gaps: GapAnalysis
) -> None:
    """On the demo, for every kind and time band, no hidden served or unserved count of
    gaps.csv follows from the shown shares and counts and the municipality's totals; the
    total is what brobygger sites prints plus the escalated patients (taken as known for
    the day and evening bands too, where it is at least 5: a smaller one is never shown,
    and a kind with no evening session at all serves nobody in the evening anyway)."""
    table = demo_gaps.table()
    escalated = int(demo.patients["escalate"].sum())
    total = len(demo.patients)
    checked = 0
    for k, kind in enumerate(KINDS):
        size = 1 if kind == "home_visit" else 8
        new = NewActivity(kind=kind, weekday="tue", start="17:00", end="18:30", group_size=size)
        printed = best_sites(demo, new, 1, time_limit=5).unserved
        unserved = (demo_gaps.patients[:, None] - demo_gaps.served[:, k, :]).sum(axis=0)
        assert printed + escalated == int(unserved[0]) and printed >= 5
        for b, band in enumerate(BANDS):
            if min(unserved[b], total - unserved[b]) < 5:
                assert band != "any"
                continue
            column = f"served_share_{kind}" + ("" if band == "any" else f"_{band}")
            assert derived(table, column, total, int(unserved[b])) == [], column
            checked += 1
    assert checked >= len(KINDS) + 4
    hidden = table[[c for c in table.columns if c.startswith("served_share_")]].isna()
    assert hidden.any(axis=None) and not hidden.all(axis=None)


def test_demo_with_one_small_share_does_not_give_it_away(demo: Dataset) -> None:
    """The demo with one more unserved patient in the district that has 4 without an
    association: now exactly one district (3 unserved) has a small count, and its share
    is not the only one hidden, so the printed total does not give its 3 away."""
    from matcher.geo import locate
    from matcher.match.costs import MatchModel, evaluate

    assert demo.districts is not None
    k = KINDS.index("association")
    model = MatchModel.from_dataset(demo)
    feasible = evaluate(model, np.arange(model.n_patients)).feasible
    has = feasible[:, np.array(KINDS)[model.o_kind[model.s_offer]] == "association"].any(axis=1)
    pos = locate(demo.patients.geometry, demo.districts.reset_index(drop=True))
    four = int(np.flatnonzero(np.bincount(pos[~has], minlength=len(demo.districts)) == 4)[0])
    copy = demo.patients[(pos == four) & ~has & ~demo.patients["escalate"]].head(1)
    more = demo.replace(
        patients=pd.concat([demo.patients, copy.assign(patient_id="P99999")], ignore_index=True)
    )
    result = gap_analysis(more)
    served, patients = result.served[:, k, 0], result.patients
    small = ((served < 5) | (patients - served < 5)) & (patients > 0)
    assert small.sum() == 1  # before, this one share alone was hidden
    table = result.table()
    column = "served_share_association"
    hidden = table[column].isna().to_numpy()
    assert hidden[small[: len(table)]].all() and hidden.sum() >= 2
    unserved = int((patients - served).sum())
    assert derived(table, column, len(more.patients), unserved) == []


def test_demo_district_of_three_is_not_found_by_subtraction(demo: Dataset) -> None:
    """On the demo with one district cut to 3 patients, no hidden count follows from the total."""
    from matcher.geo import locate

    assert demo.districts is not None
    pos = locate(demo.patients.geometry, demo.districts.reset_index(drop=True))
    target = int(pd.Series(pos[pos >= 0]).value_counts().index[0])
    keep = (pos != target) | (np.cumsum(pos == target) <= 3)
    small = demo.replace(patients=demo.patients[keep].reset_index(drop=True))
    result = gap_analysis(small)
    table = result.table()
    hidden = table["patients"].isna().to_numpy()
    exact = pd.Series(result.patients, index=result.group_ids).reindex(table["district_id"])
    assert exact.iloc[target] == 3 and hidden[target]
    assert hidden.sum() >= 2 and exact[hidden].sum() >= 5
    # what a reader can work out: the total less the shown counts, spread over >= 2 districts
    assert len(small.patients) - table["patients"].sum() == exact[hidden].sum()
    shares = [c for c in table.columns if c.startswith("served_share_")]
    assert table.loc[hidden, shares].isna().all().all()


def test_without_districts_a_grid_counts_everyone(demo: Dataset) -> None:
    """A dataset without districts is analysed on a grid and every patient is counted."""
    result = gap_analysis(demo.replace(districts=None))
    assert result.districts["name"].str.startswith("grid ").all()
    assert int(result.patients.sum()) == len(demo.patients)
    assert result.patients[-1] == 0  # the grid covers every patient


def test_same_result_for_wgs84_and_utm_district_files(demo: Dataset, tmp_path: Path) -> None:
    """The analysis on a districts file in EPSG:4326 equals that on its EPSG:25832 copy."""
    assert demo.districts is not None
    wgs = tmp_path / "wgs.geojson"
    utm = tmp_path / "utm.gpkg"
    demo.districts.to_crs("EPSG:4326").to_file(wgs, driver="GeoJSON")
    demo.districts.to_crs(CRS).to_file(utm, driver="GPKG")
    assert gpd.read_file(wgs).crs == "EPSG:4326"
    assert gpd.read_file(utm).crs == CRS
    first = gap_analysis(demo, read_districts(wgs))
    second = gap_analysis(demo, read_districts(utm))
    pd.testing.assert_frame_equal(first.table(), second.table(), check_exact=False, rtol=1e-6)
    assert np.array_equal(first.served, second.served)
    assert first.table()["patients"].notna().any()


def test_served_patients_have_an_allowed_session(demo: Dataset) -> None:
    """Coverage counts exactly the patients evaluate() allows a session of the kind."""
    from matcher.domain import KINDS
    from matcher.match.costs import MatchModel, evaluate

    result = gap_analysis(demo)
    model = MatchModel.from_dataset(demo)
    feasible = evaluate(model, np.arange(model.n_patients)).feasible
    session_kind = np.array(KINDS)[model.o_kind[model.s_offer]]
    total = sum(int(feasible[:, session_kind == kind].any(axis=1).sum()) for kind in KINDS)
    assert int(result.served[:, :, 0].sum()) == total


def three_in_a_row() -> gpd.GeoDataFrame:
    """Vest (D1) around the centre, Midt (D2) east of it and Øst (D3) west of it, 3 x 3 km."""
    return gpd.GeoDataFrame(
        {"district_id": ["D1", "D2", "D3"], "name": ["Vest", "Midt", "Øst"]},
        geometry=[
            box(CX + x - 1500, CY - 1500, CX + x + 1500, CY + 1500) for x in (0, 3000, -3000)
        ],
        crs=CRS,
    )


def one_walk_for_three(vest: int, midt: int, ost: int = 30) -> GapAnalysis:
    """A walk with 4 places at Vest's centre; Midt and Øst are 3 km away (weight 0.22)."""
    dataset = build(
        offers=[offer(**at(0))],
        sessions=[session(capacity=4)],
        patients=people(vest, "V", 0, max_travel_min=90)
        + people(midt, "M", 3000, max_travel_min=90)
        + people(ost, "E", -3000, max_travel_min=90),
    )
    return gap_analysis(dataset, three_in_a_row())


def test_a_hidden_count_is_not_given_back_by_supply_over_score() -> None:
    """A district hidden to protect another shows no score, and no score uses its count."""
    far = build(
        offers=[offer(offer_id="O1", **at(0)), offer(offer_id="O2", **at(20000))],
        sessions=[
            session(session_id="S1", offer_id="O1", capacity=4),
            session(session_id="S2", offer_id="O2", capacity=10),
        ],
        patients=people(12, "V", 0) + people(3, "M", 10000) + people(30, "E", 20000),
    )
    shapes = gpd.GeoDataFrame(
        {"district_id": ["D1", "D2", "D3"], "name": ["Vest", "Midt", "Øst"]},
        geometry=[box(CX + x - 1500, CY - 1500, CX + x + 1500, CY + 1500) for x in (0, 1e4, 2e4)],
        crs=CRS,
    )
    result = gap_analysis(far, shapes)
    table = result.table().set_index("district_id")
    # Vest's 12 is hidden with Midt's 3; alone at its 4 places it scored 333.33 = 4000 / 12
    assert table["patients"].isna().tolist() == [True, True, False]
    assert table.loc[["D1", "D2"], "e2sfca_association"].isna().all()
    assert result.score[0, KINDS.index("association"), 0] == pytest.approx(4000 / 7.5)


def test_scores_do_not_change_with_how_the_hidden_patients_split() -> None:
    """E2SFCA demand of hidden districts is their total spread evenly: no score tells the split."""
    before = one_walk_for_three(3, 9).table()
    after = one_walk_for_three(4, 8).table()
    assert before["patients"].isna().tolist() == [True, True, False]
    # Øst's score would be 4000 / (3 + 9 * 0.22 + 30 * 0.22) * 0.22 with the exact counts
    pd.testing.assert_frame_equal(before, after)


def test_a_reason_shows_only_with_its_share() -> None:
    """A reason (at least 5 without an option) shows only where the share is shown."""
    # D1: 5 patients, nobody served; "travel" for 5 would say that all 5 have no option
    # (D2's share goes too, else D1's 0 served would follow from the municipality's total)
    table = analysis_of([5, 20, 30], [0, 10, 15]).table()
    assert table["patients"].notna().all()
    assert table["served_share_association"].isna().tolist() == [True, True, False]
    assert table["reason_association"].isna().tolist() == [True, True, False]


# -- the analysis as a result ---------------------------------------------------
def test_summary_names_the_lowest_shown_share_per_kind(demo_gaps: GapAnalysis) -> None:
    """Result: summary() counts the shown shares per kind and names the lowest of them,
    from the suppressed table only (nothing hidden appears)."""
    table = demo_gaps.table()
    summary = demo_gaps.summary()
    assert summary["band"] == "any"
    assert summary["kinds"] == list(KINDS)
    assert summary["districts"] == len(table)
    json.dumps(summary)  # plain data throughout
    for kind in KINDS:
        share = table[f"served_share_{kind}"]
        coverage = summary["coverage"][kind]
        assert coverage["shown"] == int(share.notna().sum())
        if coverage["lowest"] is None:
            assert share.isna().all()
            continue
        assert coverage["lowest"]["served_share"] == float(share.min())
        row = table.set_index("district_id").loc[coverage["lowest"]["district_id"]]
        assert row["name"] == coverage["lowest"]["name"]


def test_write_gives_the_files_of_brobygger_gaps(demo_gaps: GapAnalysis, tmp_path: Path) -> None:
    """Result: write() puts gaps.csv, coverage.csv and gaps.geojson in the folder, as
    table(), long_table() and to_geojson()."""
    paths = demo_gaps.write(tmp_path / "out")
    assert [p.name for p in paths] == ["gaps.csv", "coverage.csv", "gaps.geojson"]
    read = pd.read_csv(paths[0], dtype={"district_id": str})
    assert list(read.columns) == list(demo_gaps.table().columns)
    assert read["patients"].isna().tolist() == demo_gaps.table()["patients"].isna().tolist()
    assert len(pd.read_csv(paths[1])) == len(demo_gaps.long_table())
    assert paths[2].read_text(encoding="utf-8") == demo_gaps.to_geojson()
