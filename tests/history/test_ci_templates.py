"""The CI templates in config/ci/ are valid YAML and use only golive commands and options that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from harness.ci_summary import StepSummary
from harness.cli import build_parser
from harness.events import RunFinished
from tests.reporters.sample import sample_run
from tests.support import REPO_ROOT

CI = REPO_ROOT / "config" / "ci"
_SHELL_OPERATORS = {"||", "&&", ";", "|", ">>", ">", "2>&1"}


def golive_commands(script: str) -> list[list[str]]:
    """Each golive invocation in a shell script, as its arguments after `golive`."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        for index, word in enumerate(words):
            at_command = index == 0 or words[index - 1] in _SHELL_OPERATORS | {"then", "do", "exec"}
            if at_command and (word == "golive" or word.endswith("/golive")):
                rest = []
                for arg in words[index + 1 :]:
                    if arg in _SHELL_OPERATORS:
                        break
                    if not arg.endswith("[@]}"):  # a shell array of extra options, checked where it is built
                        rest.append(arg)
                commands.append(rest)
                break
    return commands


def _github_scripts() -> list[str]:
    workflow = yaml.safe_load((CI / "github-actions-nightly.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    steps = workflow["jobs"]["golive"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(use.startswith("actions/upload-artifact") for use in uses)
    assert any(use.startswith("github/codeql-action/upload-sarif") for use in uses)
    cached = [step for step in steps if step.get("uses", "").startswith("actions/cache/")]
    assert {step["with"]["path"] for step in cached} == {"reports/history.db"}  # without a database URL
    return [step["run"] for step in steps if "run" in step]


def _gitlab_scripts() -> list[str]:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["golive"]
    assert job["artifacts"]["reports"]["junit"] == "golive-run/junit.xml"
    assert any("history.url" in line and "${GOLIVE_HISTORY_URL}" in line for line in job["script"])
    assert job["cache"]["paths"] == ["reports/history.db"]  # the history without a database URL
    return list(job["script"])


def _schedulers() -> list[str]:
    cron = [line for line in (CI / "golive-nightly.cron").read_text().splitlines() if line and line[0].isdigit()]
    service = (CI / "golive-nightly.service").read_text()
    exec_start = [line.split("=", 1)[1] for line in service.splitlines() if line.startswith("ExecStart=")]
    assert "OnCalendar=" in (CI / "golive-nightly.timer").read_text()
    return [" ".join(line.split()[5:]) for line in cron] + exec_start


@pytest.mark.parametrize("source", [_github_scripts, _gitlab_scripts, _schedulers], ids=["github", "gitlab", "cron"])
def test_every_golive_command_in_a_template_parses(source: object) -> None:
    scripts = source()  # type: ignore[operator]
    commands = [command for script in scripts for command in golive_commands(script)]
    assert any(command[0] == "run" for command in commands)
    parser = build_parser()
    for command in commands:
        try:
            parser.parse_args(command)
        except SystemExit as stop:  # the parser exits 3 on an unknown command or option
            raise AssertionError(f"golive {' '.join(command)}: not a valid golive command") from stop


def test_the_command_finder_sees_through_shell_syntax() -> None:
    script = (
        "pip install golive\n"
        'cd /srv/golive && golive run --target "$URL" \\\n  --label x || code=$?\n'
        ".venv/bin/golive history --limit 3 >> log"
    )
    assert golive_commands(script) == [["run", "--target", "$URL", "--label", "x"], ["history", "--limit", "3"]]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["history", "--no-such-option"])


def test_the_run_summary_is_appended_to_the_github_job_summary(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "summary.md").write_text("## golive: NOT_READY\n")
    page = tmp_path / "step-summary.md"
    page.write_text("earlier step\n")
    StepSummary({"GITHUB_STEP_SUMMARY": str(page)}).handle(RunFinished(sample_run(), run_dir))
    assert page.read_text() == "earlier step\n## golive: NOT_READY\n\n"
    StepSummary({}).handle(RunFinished(sample_run(), run_dir))
    assert page.read_text().count("NOT_READY") == 1
