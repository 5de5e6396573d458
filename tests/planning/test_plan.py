"""The batch plan (matcher.planning.plan) on tiny datasets, against a reference and brute force.

The reference below restates the contract's rules of a match and its cost
terms in plain Python, one pair at a time, independent of the vectorised
code. Random small datasets (hypothesis, derandomized) are planned, every
placement is checked against the reference, and the priority placed and the
cost are compared with a brute-force search over every assignment.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import build, offer, patient, session
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Dataset, Plan, Weights, plan
from matcher.domain import GROUP_LIMIT, INTENSITY_LEVEL, VULNERABILITY_FLAGS, WEEKDAYS

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None)
ONE_KM_EAST = {"lat": 55.3959, "lon": 10.4042}
PLACES = [
    {"lat": 55.3959, "lon": 10.3883},
    ONE_KM_EAST,
    {"lat": 55.4139, "lon": 10.3883},  # 2 km north
    {"lat": 55.3959, "lon": 10.5200},  # about 8 km east
]
DEFAULTS = Weights.load()


# -- the reference: the contract's rules and costs, one pair at a time -------------


def minutes_by_mode(pat: dict[str, Any], off: dict[str, Any], w: Weights) -> dict[str, float]:
    dist = float(np.hypot(pat["x"] - off["x"], pat["y"] - off["y"]))
    return {m: float(s.minutes(np.array(dist))) for m, s in w.travel.items()}


def travel_of(pat: dict[str, Any], off: dict[str, Any], w: Weights) -> float:
    """One-way minutes: the patient's fastest mode, or the staff's drive for a home visit."""
    by_mode = minutes_by_mode(pat, off, w)
    if off["kind"] == "home_visit":
        return by_mode["car"]
    return min((by_mode[m] for m in pat["modes"]), default=float("inf"))


def start_of(pat: dict[str, Any], ses: dict[str, Any]) -> dt.date:
    day = max(ses["first_date"].date(), pat["discharge_date"].date())
    while WEEKDAYS[day.weekday()] != ses["weekday"]:
        day += dt.timedelta(days=1)
    return day


def broken_rules(
    pat: dict[str, Any], off: dict[str, Any], ses: dict[str, Any], w: Weights = DEFAULTS
) -> list[str]:
    """The contract's rules of a match (capacity aside) that the pair breaks."""
    broken = []
    home = off["kind"] == "home_visit"
    if pat["escalate"]:
        broken.append("escalated")
    if (pat["home_bound"] and not home) or (
        home and not (pat["home_bound"] or pat["group_tolerance"] == "individual")
    ):
        broken.append("home")
    windows = pat["available"]
    day = WEEKDAYS.index(ses["weekday"])
    if windows and not any(
        wnd.day == day and wnd.start <= ses["start_min"] and ses["end_min"] <= wnd.end
        for wnd in windows
    ):
        broken.append("time")
    if off["diagnoses"] != ("all",) and not set(off["diagnoses"]) & set(pat["diagnoses"]):
        broken.append("diagnosis")
    if not set(off["languages"]) & set(pat["languages"]):
        broken.append("language")
    own = {"man": "men", "woman": "women"}.get(pat["gender"])
    if (off["gender"] != "any" and off["gender"] != own) or (
        pat["gender_pref"] == "same" and off["gender"] != own
    ):
        broken.append("gender")
    if off["group_size"] > GROUP_LIMIT[pat["group_tolerance"]]:
        broken.append("group_size")
    if INTENSITY_LEVEL[off["intensity"]] > INTENSITY_LEVEL[pat["intensity_max"]]:
        broken.append("intensity")
    if pat["needs_supervision"] and not off["supervised"]:
        broken.append("supervision")
    if off["fee_dkk_month"] > pat["budget_dkk_month"]:
        broken.append("fee")
    if travel_of(pat, off, w) > pat["max_travel_min"] + 1e-4:
        broken.append("travel")
    return broken


def cost_of(
    pat: dict[str, Any],
    off: dict[str, Any],
    ses: dict[str, Any],
    offers: dict[str, dict[str, Any]],
    w: Weights = DEFAULTS,
) -> float:
    """The contract's weighted cost of a pair, in points."""
    home = off["kind"] == "home_visit"
    travel = travel_of(pat, off, w)
    wait = (start_of(pat, ses) - pat["discharge_date"].date()).days
    length = ses["end_min"] - ses["start_min"]
    early = min(max(w.comfortable_start - ses["start_min"], 0), length)
    late = min(max(ses["end_min"] - w.comfortable_end, 0), length)
    miss = bool(pat["interests"]) and not set(pat["interests"]) & set(off["tags"])
    prior = offers.get(pat["prior_offer_id"])
    if prior is None or prior["offer_id"] == off["offer_id"]:
        continuity = 0.0
    elif np.hypot(prior["x"] - off["x"], prior["y"] - off["y"]) < 50:
        continuity = 0.5
    else:
        continuity = 1.0
    return (
        w.travel_min * (0.0 if home else travel)
        + w.wait_day * wait
        + w.time_of_day_hour * (early + late) / 60
        + w.interest_miss * miss
        + w.continuity_miss * continuity
        + w.fee_dkk * off["fee_dkk_month"]
        + w.home_visit * home
        + w.staff_drive_min * (travel if home else 0.0)
    )


def priority_of(pat: dict[str, Any]) -> int:
    return 1 + sum(bool(pat[f]) for f in VULNERABILITY_FLAGS)


class Reference:
    """Allowed pairs, costs and the brute-force optimum of a small dataset."""

    def __init__(self, ds: Dataset, booked: dict[str, int] | None = None) -> None:
        self.patients = ds.patients.to_dict("records")
        self.offers = {o["offer_id"]: o for o in ds.offers.to_dict("records")}
        self.sessions = ds.sessions.to_dict("records")
        booked = booked or {}
        self.capacity = [
            max(0, int(s["capacity"]) - booked.get(s["session_id"], 0)) for s in self.sessions
        ]
        self.options: list[list[tuple[int, float]]] = []
        for pat in self.patients:
            mine = []
            for j, ses in enumerate(self.sessions):
                off = self.offers[ses["offer_id"]]
                if not broken_rules(pat, off, ses) and self.capacity[j] > 0:
                    mine.append((j, cost_of(pat, off, ses, self.offers)))
            self.options.append(mine)

    def brute_force(self) -> tuple[int, float]:
        """The most priority any plan places, and the least cost among such plans."""
        best = (-1, 0.0)
        choices = [[(-1, 0.0), *opts] for opts in self.options]
        for combo in itertools.product(*choices):
            load = np.bincount([j for j, _ in combo if j >= 0], minlength=len(self.sessions))
            if (load > np.array(self.capacity, dtype=int)).any():
                continue
            priority = sum(
                priority_of(p) for p, (j, _) in zip(self.patients, combo, strict=True) if j >= 0
            )
            cost = sum(c for j, c in combo if j >= 0)
            if (priority, -cost) > (best[0], -best[1]):
                best = (priority, cost)
        return best

    def check(self, result: Plan) -> tuple[int, float]:
        """Assert every placement obeys every rule; return (priority placed, reference cost)."""
        rows = result.assignments.to_dict("records")
        assert [r["patient_id"] for r in rows] == [p["patient_id"] for p in self.patients]
        session_index = {s["session_id"]: j for j, s in enumerate(self.sessions)}
        load = np.zeros(len(self.sessions), int)
        priority, cost = 0, 0.0
        for pat, row in zip(self.patients, rows, strict=True):
            if pat["escalate"]:
                assert row["status"] == "escalated"
            if row["status"] != "placed":
                assert row["session_id"] == "" and row["reason"]
                continue
            j = session_index[row["session_id"]]
            ses = self.sessions[j]
            off = self.offers[ses["offer_id"]]
            assert broken_rules(pat, off, ses) == []
            assert row["offer_id"] == off["offer_id"] and row["kind"] == off["kind"]
            assert row["start_date"].date() == start_of(pat, ses)
            assert row["wait_days"] == (start_of(pat, ses) - pat["discharge_date"].date()).days
            assert row["travel_min"] == pytest.approx(travel_of(pat, off, DEFAULTS), abs=0.051)
            pair_cost = cost_of(pat, off, ses, self.offers)
            assert row["cost"] == pytest.approx(pair_cost, abs=0.006)
            load[j] += 1
            priority += priority_of(pat)
            cost += pair_cost
        assert (load <= np.array(self.capacity)).all()
        return priority, cost


# -- random small datasets --------------------------------------------------------


def _pick(options: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    n_offers = draw(st.integers(1, 3))
    offers = []
    for i in range(n_offers):
        kind = draw(_pick(["association"] * 3 + ["exit_team", "network_group", "home_visit"]))
        offers.append(
            offer(
                offer_id=f"O{i + 1}",
                kind=kind,
                **draw(_pick(PLACES)),
                diagnoses=draw(_pick(["all", "all", "heart", "copd;cancer"])),
                languages=draw(_pick(["da", "da", "da;ar", "ar"])),
                gender=draw(_pick(["any"] * 4 + ["men", "women"])),
                group_size=1 if kind == "home_visit" else draw(_pick([1, 5, 10, 20])),
                intensity=draw(_pick(["low", "low", "moderate", "high"])),
                supervised=draw(st.booleans()),
                fee_dkk_month=draw(_pick([0, 0, 50, 200])),
                tags=draw(_pick(["walking", "choir;social", "swimming"])),
            )
        )
    sessions = []
    for j in range(draw(st.integers(1, 4))):
        start, end = draw(_pick([("09:00", "10:00"), ("10:00", "11:30"), ("17:00", "20:30")]))
        sessions.append(
            session(
                session_id=f"S{j + 1}",
                offer_id=f"O{draw(st.integers(1, n_offers))}",
                weekday=draw(_pick(["mon", "tue", "sat"])),
                start=start,
                end=end,
                capacity=draw(_pick([0, 1, 1, 1, 2])),
                first_date=f"2027-01-{draw(st.integers(1, 20)):02d}",
            )
        )
    patients = []
    for k in range(draw(st.integers(1, 5))):
        flags = {f: draw(st.booleans()) for f in VULNERABILITY_FLAGS}
        patients.append(
            patient(
                patient_id=f"P{k + 1}",
                **draw(_pick(PLACES)),
                discharge_date=f"2027-01-{draw(st.integers(1, 20)):02d}",
                diagnoses=draw(_pick(["heart", "heart", "copd", "cancer;heart", ""])),
                gender=draw(_pick(["woman", "man", "man", "other"])),
                gender_pref=draw(_pick(["any"] * 5 + ["same"])),
                modes=draw(_pick(["walk", "walk;bike", "walk;bus", "car", "walk;flextrafik"])),
                max_travel_min=draw(_pick([10, 20, 30, 45])),
                available=draw(
                    _pick(["", "", "mon 08:00-12:00", "tue 16:00-21:00;sat 08:00-12:00"])
                ),
                group_tolerance=draw(_pick(["individual", "small", "medium", "large", "large"])),
                budget_dkk_month=draw(_pick([0, 100, 500])),
                languages=draw(_pick(["da", "da", "ar", "ar;da"])),
                intensity_max=draw(_pick(["low", "moderate", "high", "high"])),
                needs_supervision=draw(_pick([False, False, True])),
                home_bound=draw(_pick([False] * 5 + [True])),
                interests=draw(_pick(["", "walking", "dance;choir"])),
                escalate=draw(_pick([False] * 9 + [True])),
                prior_offer_id=draw(_pick(["", "", "O1", "O3"])),
                **flags,
            )
        )
    return {"offers": offers, "sessions": sessions, "patients": patients}


def load(rows: dict[str, list[dict[str, Any]]], directory: Path) -> Dataset:
    return build(rows["offers"], rows["sessions"], rows["patients"], directory)


@PROPERTY
@given(datasets())
def test_every_plan_obeys_the_rules_and_is_optimal(rows: dict[str, list[dict[str, Any]]]) -> None:
    """On random small datasets every placement obeys every rule of a match; the priority
    placed equals the brute-force maximum and, among such plans, the cost is the least."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(rows, Path(tmp))
    reference = Reference(ds)
    result = plan(ds, workers=1, seed=0)
    priority, cost = reference.check(result)
    best_priority, best_cost = reference.brute_force()
    assert priority == best_priority == result.priority_placed
    assert cost == pytest.approx(best_cost, abs=0.01 * len(reference.patients) + 1e-9)
    assert result.status == "OPTIMAL" and result.gap == 0.0
    assert result.baseline is not None
    assert result.baseline.priority_placed <= result.priority_placed


@PROPERTY
@given(datasets())
def test_one_candidate_per_patient_reaches_the_same_optimum(
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    """With candidates_per_patient = 1 the pricing adds the pairs that matter: the plan
    places the same priority at the same cost as with every pair from the start."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(rows, Path(tmp))
        path = Path(tmp) / "one.toml"
        path.write_text(
            "[plan]\ncandidates_per_patient = 1\nall_pairs_up_to = 0\n", encoding="utf-8"
        )
        one = Weights.load(path)
    wide = plan(ds, baseline=False)
    narrow = plan(ds, weights=one, baseline=False)
    assert narrow.status == "OPTIMAL"
    assert narrow.priority_placed == wide.priority_placed
    assert narrow.objective == pytest.approx(wide.objective, abs=1e-6)


@settings(max_examples=10, deadline=None, derandomize=True, database=None)
@given(datasets())
def test_cpsat_agrees_with_flow_when_nothing_binds(rows: dict[str, list[dict[str, Any]]]) -> None:
    """solver='cpsat' (1 worker, seed 0) proves the same optimum as min-cost flow when
    no side constraint binds."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = load(rows, Path(tmp))
    flow = plan(ds, solver="flow", baseline=False)
    sat = plan(ds, solver="cpsat", workers=1, seed=0, time_limit=20, baseline=False)
    assert sat.status == "OPTIMAL"
    assert sat.solver == "CP-SAT"
    assert sat.priority_placed == flow.priority_placed
    assert sat.objective == pytest.approx(flow.objective, abs=1e-6)


# -- staff minutes for home visits -------------------------------------------------


def home_visit_case(tmp_path: Path, shift_end: str) -> Dataset:
    """Two home-bound patients 1 km from the staff base, two Monday visit slots."""
    return build(
        [offer(offer_id="H1", kind="home_visit", group_size=1, **ONE_KM_EAST)],
        [
            session(session_id="S1", offer_id="H1", start="09:00", end="10:00", capacity=1),
            session(session_id="S2", offer_id="H1", start="11:00", end="12:00", capacity=1),
        ],
        [
            patient(patient_id="P1", home_bound="true"),
            patient(patient_id="P2", home_bound="true", lives_alone="true"),
        ],
        tmp_path,
        staff=[
            {
                "staff_id": "T1",
                "offer_id": "H1",
                "weekday": "mon",
                "shift_start": "08:00",
                "shift_end": shift_end,
            }
        ],
    )


@pytest.mark.parametrize(
    ("shift_end", "placed", "solver"),
    [
        ("16:00", ["placed", "placed"], "min-cost flow"),  # 480 minutes: room for both
        ("10:00", ["unplaced", "placed"], "min-cost flow + "),  # 120 minutes: one visit of 74
    ],
)
def test_staff_minutes_bind_and_cpsat_changes_the_plan(
    tmp_path: Path, shift_end: str, placed: list[str], solver: str
) -> None:
    """When the staff's minutes on a weekday cannot cover every visit the flow plan makes,
    the side-constraint solver re-plans: the plan fits the minutes, keeps the patient of
    higher priority, and is proven optimal."""
    result = plan(home_visit_case(tmp_path, shift_end), workers=1, seed=0)
    assert result.assignments["status"].tolist() == placed
    assert result.solver.startswith(solver)
    assert result.status == "OPTIMAL"
    visits = result.assignments[result.assignments["status"] == "placed"]
    used = (60 + 2 * np.ceil(visits["travel_min"].to_numpy())).sum()
    shift = (int(shift_end[:2]) - 8) * 60
    assert used <= shift


@st.composite
def home_visit_datasets(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Home visits only, with staff shifts short enough to bind now and then."""
    offers = [
        offer(offer_id=f"H{i + 1}", kind="home_visit", group_size=1, **draw(_pick(PLACES[:3])))
        for i in range(draw(st.integers(1, 2)))
    ]
    sessions = [
        session(
            session_id=f"S{j + 1}",
            offer_id=f"H{draw(st.integers(1, len(offers)))}",
            weekday=draw(_pick(["mon", "tue"])),
            start=draw(_pick(["09:00", "11:00", "13:00"])),
            end="14:00",
            capacity=2,
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    staff = [
        {
            "staff_id": f"T{k}",
            "offer_id": o["offer_id"],
            "weekday": day,
            "shift_start": "08:00",
            "shift_end": draw(_pick(["09:30", "10:00", "10:30", "12:00"])),
        }
        for k, o in enumerate(offers)
        for day in ("mon", "tue")
    ]
    patients = [
        patient(
            patient_id=f"P{k + 1}",
            **draw(_pick(PLACES)),
            home_bound=draw(_pick([True, True, False])),
            group_tolerance="individual",
            modes="walk",
            max_travel_min=draw(_pick([10, 30])),
            lives_alone=draw(st.booleans()),
            low_income=draw(st.booleans()),
        )
        for k in range(draw(st.integers(3, 5)))
    ]
    return {"offers": offers, "sessions": sessions, "patients": patients, "staff": staff}


def staff_minutes_ok(ds: Dataset, combo: tuple[tuple[int, float], ...], ref: Reference) -> bool:
    """The visits of ``combo`` fit the staff minutes per offer and weekday."""
    assert ds.staff is not None
    shifts = (
        (ds.staff["shift_end_min"] - ds.staff["shift_start_min"])
        .groupby([ds.staff["offer_id"], ds.staff["weekday"]])
        .sum()
    )
    used: dict[tuple[str, str], float] = {}
    for pat, (j, _) in zip(ref.patients, combo, strict=True):
        if j < 0:
            continue
        ses = ref.sessions[j]
        off = ref.offers[ses["offer_id"]]
        key = (off["offer_id"], ses["weekday"])
        drive = float(np.ceil(np.float32(travel_of(pat, off, DEFAULTS))))
        used[key] = used.get(key, 0) + DEFAULTS.home_visit_min + 2 * drive
    return all(minutes <= shifts.get(key, np.inf) for key, minutes in used.items())


@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(home_visit_datasets())
def test_staff_minute_plans_are_optimal(rows: dict[str, list[dict[str, Any]]]) -> None:
    """With staff minutes per home-visit service and weekday, the plan fits them, obeys
    every rule and places the brute-force maximum of priority at the least cost."""
    with tempfile.TemporaryDirectory() as tmp:
        ds = build(
            rows["offers"], rows["sessions"], rows["patients"], Path(tmp), staff=rows["staff"]
        )
    ref = Reference(ds)
    result = plan(ds, workers=1, seed=0, baseline=False)
    priority, cost = ref.check(result)
    index = {s["session_id"]: j for j, s in enumerate(ref.sessions)}
    chosen = tuple(
        (index[sid], 0.0) if sid else (-1, 0.0) for sid in result.assignments["session_id"]
    )
    assert staff_minutes_ok(ds, chosen, ref)
    best = (-1, 0.0)
    for combo in itertools.product(*[[(-1, 0.0), *opts] for opts in ref.options]):
        load = np.bincount([j for j, _ in combo if j >= 0], minlength=len(ref.sessions))
        if (load > np.array(ref.capacity)).any() or not staff_minutes_ok(ds, combo, ref):
            continue
        value = sum(priority_of(p) for p, (j, _) in zip(ref.patients, combo, strict=True) if j >= 0)
        spent = sum(c for j, c in combo if j >= 0)
        if (value, -spent) > (best[0], -best[1]):
            best = (value, spent)
    assert result.status == "OPTIMAL"
    assert priority == best[0]
    assert cost == pytest.approx(best[1], abs=0.01 * len(ref.patients) + 1e-9)


def test_flow_solver_ignores_staff_minutes(tmp_path: Path) -> None:
    """solver='flow' plans without the staff minutes and says nothing binds in the plan."""
    result = plan(home_visit_case(tmp_path, "10:00"), solver="flow")
    assert result.assignments["status"].tolist() == ["placed", "placed"]
    assert result.solver == "min-cost flow"


# -- reasons -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patient_changes", "offer_changes", "words"),
    [
        ({"modes": "walk", "max_travel_min": 10}, ONE_KM_EAST, "too far away"),
        ({"languages": "ar"}, {}, "not in a language the patient speaks"),
        ({"available": "tue 09:00-12:00"}, {}, "not at a time the patient is available"),
        ({"budget_dkk_month": 0}, {"fee_dkk_month": 100}, "fee above the patient's budget"),
        ({"diagnoses": "cancer"}, {"diagnoses": "heart"}, "not for the patient's diagnoses"),
        ({"intensity_max": "low"}, {"intensity": "high"}, "harder than the patient can manage"),
        ({"needs_supervision": "true"}, {}, "without the supervision the patient needs"),
        ({"group_tolerance": "small"}, {"group_size": 12}, "groups larger than"),
        ({"gender": "man"}, {"gender": "women"}, "not for the patient's gender"),
        ({"escalate": "true"}, {}, "escalated: a person must act first"),
    ],
)
def test_reason_names_the_rule_that_excluded_the_patient(
    tmp_path: Path, patient_changes: dict[str, Any], offer_changes: dict[str, Any], words: str
) -> None:
    """An unplaced patient's reason names, in plain words, the rule that removed the options."""
    ds = build([offer(**offer_changes)], [session()], [patient(**patient_changes)], tmp_path)
    row = plan(ds).assignments.iloc[0]
    assert row["status"] in ("unplaced", "escalated")
    assert words in row["reason"]
    for flag in VULNERABILITY_FLAGS:
        assert flag not in row["reason"]


def test_reason_for_travel_gives_the_limit_and_the_nearest(tmp_path: Path) -> None:
    """A travel reason states the limit, the modes and the nearest option's minutes."""
    ds = build(
        [offer(**ONE_KM_EAST)], [session()], [patient(modes="walk", max_travel_min=10)], tmp_path
    )
    reason = plan(ds).assignments.iloc[0]["reason"]
    assert "over 10 min by walk" in reason
    assert "the nearest is 20 min" in reason


def test_reason_when_every_suitable_place_is_taken(tmp_path: Path) -> None:
    """A patient with options that all went to others is told every suitable place is taken."""
    ds = build(
        [offer()],
        [session(capacity=1)],
        [patient(patient_id="P1", lives_alone="true"), patient(patient_id="P2")],
        tmp_path,
    )
    frame = plan(ds).assignments.set_index("patient_id")
    assert frame.loc["P1", "status"] == "placed"
    assert frame.loc["P2", "status"] == "unplaced"
    assert frame.loc["P2", "reason"].startswith("every suitable place is taken (1 session fits")


def test_reason_when_every_session_is_booked(tmp_path: Path) -> None:
    """Existing bookings that fill the only session leave the reason 'no free places'."""
    ds = build([offer()], [session(capacity=1)], [patient()], tmp_path)
    row = plan(ds, booked={"S1": 1}).assignments.iloc[0]
    assert row["status"] == "unplaced"
    assert "no free places" in row["reason"]


def test_reason_for_home_bound_without_home_visits(tmp_path: Path) -> None:
    """A home-bound patient in a dataset without home visits is told there are none."""
    ds = build([offer()], [session()], [patient(home_bound="true")], tmp_path)
    reason = plan(ds).assignments.iloc[0]["reason"]
    assert reason.startswith("stays at home, so only home visits fit")


# -- the plan object ---------------------------------------------------------------


def test_plan_rejects_an_unknown_solver(tmp_path: Path) -> None:
    """solver must be auto, flow or cpsat."""
    with pytest.raises(ValueError, match="unknown solver"):
        plan(build(directory=tmp_path), solver="simplex")


def test_plan_reports_progress_in_stages(tmp_path: Path) -> None:
    """The progress callback hears the stages in order, each ending at 1.0 or 0.0 start."""
    heard: list[tuple[str, float]] = []
    plan(
        build(patients=[patient()], directory=tmp_path), progress=lambda s, x: heard.append((s, x))
    )
    stages = [s for s, _ in heard]
    assert stages[0] == "costs" and stages[-1] == "writing"
    assert ("costs", 1.0) in heard


def test_assignments_frame_is_the_plan_csv(tmp_path: Path) -> None:
    """result.assignments has the contract's PLAN.csv columns and one row per patient."""
    ds = build(
        [offer()],
        [session(capacity=1)],
        [patient(patient_id="P1"), patient(patient_id="P2"), patient(patient_id="P3")],
        tmp_path,
    )
    frame = plan(ds).assignments
    assert list(frame.columns) == [
        "patient_id",
        "status",
        "offer_id",
        "session_id",
        "kind",
        "start_date",
        "wait_days",
        "travel_min",
        "travel_mode",
        "fee_dkk_month",
        "cost",
        "reason",
    ]
    assert frame["patient_id"].tolist() == ["P1", "P2", "P3"]
    assert (frame["status"] == "placed").sum() == 1
    assert pd.api.types.is_datetime64_any_dtype(frame["start_date"])
