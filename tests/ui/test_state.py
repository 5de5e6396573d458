"""App state without a browser: loading data and planning in the background."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from builders import build, patient

from matcher.ui.state import DataState, PlanningState


def test_load_keeps_previous_dataset_and_lists_problems_on_bad_input(
    demo_dir: Path, tmp_path: Path
) -> None:
    """A bad folder never replaces the data in use; its problems are listed as file:row:column."""
    state = DataState()
    assert state.load(demo_dir)
    before = state.dataset
    (tmp_path / "offers.csv").write_text("offer_id,name\nO1,x\n", encoding="utf-8")
    assert not state.load(tmp_path)
    assert state.dataset is before
    assert any(p.startswith("offers.csv:1:kind:") for p in state.problems)
    assert any("sessions.csv" in p and "file not found" in p for p in state.problems)


def test_load_files_accepts_uploaded_csv_bytes(demo_dir: Path) -> None:
    """Uploaded files (name -> bytes) load like a folder."""
    state = DataState()
    files = {p.name: p.read_bytes() for p in demo_dir.iterdir() if p.suffix in (".csv", ".geojson")}
    assert state.load_files(files)
    assert state.dataset is not None
    assert len(state.dataset.patients) == 400


def test_a_file_missing_from_an_upload_is_named_without_the_servers_folder(
    demo_dir: Path,
) -> None:
    """Uploading offers.csv alone says the other files were not uploaded, in the page's
    language, and never shows the server's temporary folder."""
    from matcher.words.problems import problems_text

    state = DataState()
    assert not state.load_files({"offers.csv": (demo_dir / "offers.csv").read_bytes()})
    missing = [p for p in state.problems if p.startswith("sessions.csv:")]
    assert missing == [
        "sessions.csv:-:-: was not among the files uploaded; choose it together with the others"
    ]
    assert not any("brobygger-upload-" in p or "/tmp" in p for p in state.problems)
    assert "var ikke blandt de uploadede filer" in " ".join(problems_text(state.found, "da"))


def test_new_dataset_bumps_version_and_forgets_the_old_plan() -> None:
    """A plan belongs to the data it was made from: loading new data clears it."""
    data = DataState()
    data.use(build(patients=[patient()]))
    planning = PlanningState(data)
    planning.run(background=False)
    assert planning.result is not None
    data.use(build(patients=[patient(patient_id="P2")]))
    assert planning.result is None
    assert data.version == 2


def test_plan_in_background_reports_progress_and_finishes() -> None:
    """Plan all runs in a thread, shows stages, and ends with a result and running False."""
    data = DataState()
    data.use(build(patients=[patient(), patient(patient_id="P2")]))
    planning = PlanningState(data)
    stages: list[str] = []
    planning.observe(lambda change: stages.append(change["new"]), names="stage")
    planning.run()
    planning.wait(60)
    assert not planning.running
    assert planning.result is not None
    assert planning.result.placed == 2
    assert "costs" in stages


def test_stop_during_a_plan_leaves_no_half_plan_and_says_so() -> None:
    """Stop takes effect at the plan's next step: no result, stopped is set, nothing runs."""
    data = DataState()
    data.use(build(patients=[patient()]))
    planning = PlanningState(data)
    original = planning._progress

    def press_stop_at_first_step(stage: str, share: float) -> None:
        planning.stop()
        original(stage, share)

    planning._progress = press_stop_at_first_step  # type: ignore[method-assign]
    planning.run(background=False)
    assert planning.stopped
    assert planning.result is None
    assert not planning.running


def test_schedule_over_weeks_gives_tradeoff_for_each_budget(demo_dir: Path) -> None:
    """Plan over weeks: one trade-off row per budget, and placed never falls as budget grows."""
    data = DataState()
    assert data.load(demo_dir)
    planning = PlanningState(data)
    planning.run_schedule(weeks=4, budgets=(40.0, 0.0), guarantee_days=28, background=False)
    assert planning.error == ""
    found = planning.schedule
    assert found is not None
    assert list(found.tradeoff["budget"]) == [0.0, 40.0]
    assert found.tradeoff["placed"].is_monotonic_increasing


def test_a_plan_that_fails_says_so_plainly_and_stops_running(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected failure of the plan shows the catalogue's sentence in the page's
    language, never the exception; running and the stage end, the traceback is logged."""
    import matcher.planning.plan as plan_module
    from matcher.words.app import text

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver crashed on P1")

    monkeypatch.setattr(plan_module, "plan", broken)
    data = DataState(lang="en")
    data.use(build(patients=[patient()]))
    planning = PlanningState(data)
    with caplog.at_level(logging.ERROR, logger="matcher.ui.runner"):
        planning.run()
        planning.wait(60)
    assert planning.error == text("work_failed", "en")
    assert not planning.running and not planning.busy and planning.stage == ""
    assert planning.result is None
    assert "RuntimeError: solver crashed on P1" in caplog.text


def test_a_plan_of_data_replaced_meanwhile_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """New data while a plan runs: the plan is stopped, its late result never shows."""
    import threading

    import matcher.planning.plan as plan_module

    started, release = threading.Event(), threading.Event()
    real = plan_module.plan

    def slow(dataset: object, progress: object = None, **options: object) -> object:
        started.set()
        release.wait(30)
        return real(dataset, progress=progress, **options)

    monkeypatch.setattr(plan_module, "plan", slow)
    data = DataState()
    data.use(build(patients=[patient()]))
    planning = PlanningState(data)
    planning.run()
    assert started.wait(30)
    data.use(build(patients=[patient(patient_id="P2")]))
    release.set()
    planning.wait(60)
    assert planning.result is None and not planning.running and planning.error == ""
    planning.run(background=False)
    assert planning.result is not None and planning.result.placed == 1


def test_with_the_kernels_loop_the_plan_reaches_the_page_on_its_thread() -> None:
    """On a running loop (as in the kernel) result, stage and running change on the loop's
    thread, where widgets that need the loop (a map's fit_bounds) can be updated."""
    import asyncio
    import threading

    seen: list[tuple[str, threading.Thread]] = []

    async def main() -> tuple[PlanningState, threading.Thread]:
        data = DataState()
        data.use(build(patients=[patient(), patient(patient_id="P2")]))
        planning = PlanningState(data)
        for name in ("result", "stage", "running"):
            planning.observe(
                lambda c: seen.append((c["name"], threading.current_thread())), names=name
            )
        planning.observe(lambda c: asyncio.ensure_future(asyncio.sleep(0)), names="result")
        planning.run()
        for _ in range(6000):
            await asyncio.sleep(0.01)
            if not planning.running:
                break
        return planning, threading.current_thread()

    planning, here = asyncio.run(main())
    assert planning.result is not None and planning.result.placed == 2
    assert {name for name, _ in seen} == {"result", "stage", "running"}
    assert all(thread is here for _, thread in seen)
