"""The engine with small in-test suites: errors become results, Ctrl-C keeps what was gathered."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from harness import registry
from harness.artifacts import Artifacts
from harness.cli import main
from harness.engine import RunPlan, execute_evaluation, execute_run, load_saved_run
from harness.events import Event, RunFinished, SuiteFinished, SuiteProgressed
from harness.models import Check, RunResult, Status, SuiteResult, Verdict
from harness.redaction import Redactor
from harness.reporters import ReportWriter
from harness.settings import GoliveConfig
from harness.suite import GatherContext, GatherError, JudgeContext, Suite
from tests.support import Route, free_port, serve

pytestmark = pytest.mark.integration


class RecordedSettings(BaseModel):
    """The in-test suites' own config section: the limit a measured value is judged against."""

    model_config = ConfigDict(extra="forbid")
    limit: int = 10


class RecordedSuite(Suite):
    """Gathers a number into measured.json (or misbehaves), judges it against its section's `limit`."""

    title = "recorded"
    settings_model = RecordedSettings
    behaviour: Callable[[GatherContext], None]

    def gather(self, context: GatherContext) -> Artifacts:
        context.progress(f"measuring with {context.target.headers.get('X-Token', 'no token')}")
        self.behaviour(context)
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        measured = artifacts.read_json("measured.json")["value"]
        limit = context.settings_as(RecordedSettings, self.name).limit
        status = Status.FAIL if measured > limit else Status.PASS
        return SuiteResult(self.name, checks=(Check("value", status, f"value {measured} vs {limit}", measured),))


def measure(value: int) -> Callable[[GatherContext], None]:
    def behaviour(context: GatherContext) -> None:
        context.write_json("measured.json", {"value": value, "echo": dict(context.target.headers)})

    return behaviour


@pytest.fixture
def install_suites() -> Iterator[Callable[[dict[str, Callable[[GatherContext], None]]], None]]:
    def install(behaviours: dict[str, Callable[[GatherContext], None]]) -> None:
        for name, behaviour in behaviours.items():
            attributes = {"name": name, "behaviour": staticmethod(behaviour)}
            registry.register(type(f"Recorded_{name}", (RecordedSuite,), attributes))

    yield install
    registry.reset()


class Collector:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)


def plan(
    config: GoliveConfig, out_dir: Path, suites: tuple[str, ...], secrets: frozenset[str] = frozenset()
) -> RunPlan:
    return RunPlan(config=config, suites=suites, out_dir=out_dir, secrets=secrets)


def test_a_crashing_suite_becomes_an_error_and_others_keep_their_results(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    def crash(context: GatherContext) -> None:
        raise RuntimeError("tool exploded")

    install_suites({"performance": measure(5), "accessibility": crash, "security": measure(500)})
    with serve({"/": Route("ok")}) as server:
        collected = Collector()
        result = execute_run(
            plan(make_config(target=server.url), out_dir, ("performance", "accessibility", "security")), collected
        )
    assert result.suites["performance"].status is Status.PASS
    assert result.suites["accessibility"].status is Status.ERROR
    assert "tool exploded" in (result.suites["accessibility"].error or "")
    assert result.suites["security"].status is Status.FAIL
    assert result.verdict is Verdict.NOT_READY
    assert [type(e).__name__ for e in collected.events].count("SuiteFinished") == 3
    assert isinstance(collected.events[-1], RunFinished)
    assert (out_dir / "latest").resolve() == (out_dir / result.run_id).resolve()


def test_gather_error_is_inconclusive(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    def cannot(context: GatherContext) -> None:
        raise GatherError("scanner not reachable")

    install_suites({"security": cannot})
    with serve({"/": Route("ok")}) as server:
        result = execute_run(plan(make_config(target=server.url), out_dir, ("security",)), Collector())
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.suites["security"].error == "scanner not reachable"
    assert result.suites["performance"].status is Status.SKIPPED


def test_unreachable_target_errors_every_suite_without_gathering(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    gathered: list[str] = []
    install_suites({"performance": lambda context: gathered.append("performance")})
    config = make_config(target=f"http://127.0.0.1:{free_port()}")
    result = execute_run(plan(config, out_dir, ("performance",)), Collector())
    assert gathered == []
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "connection refused" in (result.suites["performance"].error or "")


def test_interrupt_keeps_results_so_far_and_marks_the_run(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    def interrupted(context: GatherContext) -> None:
        context.write_json("measured.json", {"value": 1})
        raise KeyboardInterrupt

    install_suites({"performance": measure(500), "accessibility": interrupted, "security": measure(1)})
    redactor = Redactor()
    with serve({"/": Route("ok")}) as server:
        writer = ReportWriter(redactor)
        result = execute_run(
            plan(make_config(target=server.url), out_dir, ("performance", "accessibility", "security")),
            lambda event: writer.handle(event),
        )
    assert result.interrupted
    assert result.suites["performance"].status is Status.FAIL
    assert "interrupted" in (result.suites["accessibility"].error or "")
    assert result.suites["security"].status is Status.ERROR
    assert result.verdict is Verdict.NOT_READY
    saved = json.loads((out_dir / result.run_id / "result.json").read_text())
    assert saved["interrupted"] is True
    assert saved["verdict"] == "NOT_READY"


def test_secrets_are_masked_in_artifacts_progress_and_reports(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    install_suites({"performance": measure(1)})
    config = make_config('target.headers={X-Token = "tok-secret-99"}')
    with serve({"/": Route("ok")}) as server:
        config = config.model_copy(update={"target": config.target.model_copy(update={"url": server.url})})
        collected = Collector()
        writer = ReportWriter(Redactor({"tok-secret-99"}))

        def emit(event: Event) -> None:
            collected(event)
            writer.handle(event)

        result = execute_run(plan(config, out_dir, ("performance",), frozenset({"tok-secret-99"})), emit)
    run_dir = out_dir / result.run_id
    written = [p for p in run_dir.rglob("*") if p.is_file()]
    assert any(p.name == "measured.json" for p in written)
    for path in written:
        assert "tok-secret-99" not in path.read_text(), path
    progress = [e.message for e in collected.events if isinstance(e, SuiteProgressed)]
    assert progress == ["measuring with ***"]


def recorded_run(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path, value: int
) -> RunResult:
    """A finished run of one in-test suite that measured `value`, with its reports written."""
    install_suites({"performance": measure(value)})
    with serve({"/": Route("ok")}) as server:
        writer = ReportWriter(Redactor())
        return execute_run(plan(make_config(target=server.url), out_dir, ("performance",)), writer.handle)


def test_evaluate_rejudges_saved_artifacts_with_a_new_config(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path, today: dt.date
) -> None:
    first = recorded_run(make_config, install_suites, out_dir, 50)
    assert first.verdict is Verdict.NOT_READY  # 50 > the default limit of 10
    run_dir = out_dir / first.run_id
    saved = load_saved_run(run_dir)
    events = Collector()
    second = execute_evaluation(run_dir, saved, make_config("performance.limit=100"), today, events)
    assert second.verdict is Verdict.READY
    assert second.run_id == first.run_id
    assert any(isinstance(e, SuiteFinished) for e in events.events)


def test_load_saved_run_rejects_a_folder_without_result(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a golive run folder"):
        load_saved_run(tmp_path)


def test_a_run_folder_written_with_schema_1_is_still_evaluated(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path, today: dt.date
) -> None:
    first = recorded_run(make_config, install_suites, out_dir, 50)
    run_dir = out_dir / first.run_id
    # What golive wrote before reasons became objects: schema 1, each reason one string.
    old = json.loads((run_dir / "result.json").read_text())
    old["schema_version"] = 1
    old["reasons"] = ["performance: value 50 vs 10 (fail)"]
    (run_dir / "result.json").write_text(json.dumps(old))
    writer = ReportWriter(Redactor())
    again = execute_evaluation(
        run_dir, load_saved_run(run_dir), make_config("performance.limit=60"), today, writer.handle
    )
    assert again.verdict is Verdict.READY
    rewritten = json.loads((run_dir / "result.json").read_text())
    assert rewritten["schema_version"] == 2
    assert rewritten["reasons"][0]["message"].startswith("no check failed")


def test_a_saved_result_of_an_unknown_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"schema_version": 99}))
    with pytest.raises(ValueError, match="schema_version 99; this golive reads 1 or 2"):
        load_saved_run(tmp_path)


def test_evaluate_reads_golive_toml_and_never_keeps_an_earlier_override(
    make_config: Callable[..., GoliveConfig],
    install_suites: Callable[..., None],
    out_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_suites({"performance": measure(50)})
    with serve({"/": Route("ok")}) as server:
        first = execute_run(
            plan(make_config(target=server.url), out_dir, ("performance",)), ReportWriter(Redactor()).handle
        )
    run_dir = out_dir / first.run_id
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert main(["evaluate", str(run_dir), "--set", "performance.limit=100"]) == 0
    evaluated = json.loads((run_dir / "result.json").read_text())
    assert evaluated["evaluated_at"] and evaluated["config"]["performance"]["limit"] == 100
    # The override was for that evaluation only: the run's own config (limit 10) is what the next one starts from.
    assert main(["evaluate", str(run_dir)]) == 1
    assert json.loads((run_dir / "config.json").read_text())["performance"]["limit"] == 10
    # ./golive.toml is read, as the command's help says.
    (folder / "golive.toml").write_text("[performance]\nlimit = 60\n")
    assert main(["evaluate", str(run_dir)]) == 0


def test_evaluate_names_its_files_as_the_user_typed_the_folder(
    make_config: Callable[..., GoliveConfig],
    install_suites: Callable[..., None],
    out_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    install_suites({"performance": measure(5)})
    with serve({"/": Route("ok")}) as server:
        first = execute_run(
            plan(make_config(target=server.url), out_dir, ("performance",)), ReportWriter(Redactor()).handle
        )
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["evaluate", "reports/latest"]) == 0
    # `latest` is followed to the run folder, which is named relative to the working folder, as it was typed.
    assert f"Report: reports/{first.run_id}/report.html" in capsys.readouterr().out.splitlines()
    assert main(["evaluate", str(out_dir / "latest")]) == 0
    assert f"Report: {out_dir / first.run_id / 'report.html'}" in capsys.readouterr().out.splitlines()


def test_a_waiver_that_matched_nothing_is_noted(
    make_config: Callable[..., GoliveConfig], install_suites: Callable[..., None], out_dir: Path
) -> None:
    install_suites({"performance": measure(5)})
    waiver = 'waivers=[{rule="imagealt", url="*/start", reason="typo in the rule", expires=2099-01-01}]'
    with serve({"/": Route("ok")}) as server:
        result = execute_run(plan(make_config(waiver, target=server.url), out_dir, ("performance",)), Collector())
    notes = [reason.message for reason in result.reasons if reason.status is None]
    assert "waiver for rule imagealt on */start matched no finding in this run; check its rule and URL" in notes
