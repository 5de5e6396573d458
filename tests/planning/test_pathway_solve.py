"""The pathway model's rows and its solvers: places only where they bind, the same
optimum from every solver, and a true bound."""

from __future__ import annotations

import numpy as np
import pytest
from builders import build, offer, patient, session

from matcher.match.weights import Weights
from matcher.planning.horizon import Horizon
from matcher.planning.ladders import Ladders
from matcher.planning.pathway_solve import SOLVERS, build_model, solve_pathways
from matcher.planning.pathways import build_options

START = np.datetime64("2027-01-04")


def _options(places: int, people: int = 3) -> object:
    ds = build(
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="A", kind="association", group_size=6),
        ],
        [
            session(session_id="SH", offer_id="H", capacity=places),
            session(session_id="SA", offer_id="A", capacity=places),
        ],
        [patient(patient_id=f"P{i}", group_tolerance="individual") for i in range(people)],
    )
    return build_options(ds, Horizon(START, 12), Weights.load(), Ladders.load())


def test_a_week_s_places_are_a_row_only_where_people_could_exceed_them() -> None:
    """With places for everyone no place row is needed; with one place, one per week
    and session that several options hold."""
    roomy, tight = build_model(_options(5)), build_model(_options(1))
    assert len(tight.rows) > len(roomy.rows)
    place_rows = [r for r in tight.rows if r[1] == 0 and r[2] == 1 and len(r[0]) > 1]
    assert place_rows


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_solver_finds_the_same_best_pathways(solver: str) -> None:
    """HiGHS, SCIP and CP-SAT prove the same optimum; two people share one home-visit
    place, so one person's visits start when the other's end."""
    options = _options(1, people=2)
    found = solve_pathways(options, solver=solver, time_limit=30)
    reference = solve_pathways(options, time_limit=30)
    assert found.status == "OPTIMAL" and found.gap == 0
    assert found.objective == pytest.approx(reference.objective)
    visits = found.chosen[options.session[found.chosen] == 0]
    assert sorted(options.start[visits] - options.start[visits].min()) == [0, 28]


def test_a_stopped_solve_still_has_a_true_bound() -> None:
    """Whatever the time limit, the bound is at least the objective of the plan found."""
    found = solve_pathways(_options(1, people=6), time_limit=0.01)
    assert found.status in ("OPTIMAL", "FEASIBLE", "NOT_SOLVED")
    if found.status != "NOT_SOLVED":
        assert found.bound >= found.objective


def test_an_unknown_solver_is_refused() -> None:
    """Only the solvers OR-Tools has here are used."""
    with pytest.raises(RuntimeError, match="no NOPE solver"):
        solve_pathways(_options(1), solver="NOPE")


def test_the_greedy_start_keeps_every_rule() -> None:
    """The plan the solver starts from places people, keeps each week's places and
    follows the rungs; the solver never answers with less."""
    from matcher.planning.pathway_solve import greedy_pathways

    options = _options(1, people=2)
    chosen, before = greedy_pathways(options)
    assert len(set(options.patient[chosen])) == 2
    visits = chosen[options.session[chosen] == 0]
    assert sorted(options.start[visits] - options.start[visits].min()) == [0, 28]
    for i, j in zip(chosen, before, strict=True):
        if j >= 0:
            assert options.patient[i] == options.patient[j]
            assert 0 <= options.start[i] - options.end[j] <= 14


def test_without_a_plan_of_its_own_in_time_the_greedy_plan_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the solver stops with no plan, the greedy plan is the answer, FEASIBLE,
    with the linear relaxation as a true bound."""
    from ortools.linear_solver import pywraplp

    from matcher.planning import pathway_solve

    options = _options(1, people=2)
    real = pywraplp.Solver.Solve
    monkeypatch.setattr(pywraplp.Solver, "Solve", lambda self: pywraplp.Solver.NOT_SOLVED)
    found = pathway_solve.solve_pathways(options, time_limit=5)
    monkeypatch.setattr(pywraplp.Solver, "Solve", real)
    best = pathway_solve.solve_pathways(options, time_limit=30)
    assert found.status == "FEASIBLE" and len(found.chosen) > 0
    assert found.bound >= best.objective >= found.objective
