"""A suite installed from outside golive's own packages runs end to end through `golive run --suite NAME`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.support import Route, run_golive, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent


@pytest.fixture
def installed_plugin(tmp_path: Path) -> dict[str, str]:
    """The example suite as an installed distribution: a module and its dist-info with an entry point."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(HERE / "example_suite.py", site / "golive_statuses.py")
    info = site / "golive_statuses-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: golive-statuses\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[golive.suites]\nstatuses = golive_statuses:StatusSuite\n")
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH", "")]))
    return {"PYTHONPATH": path}


def test_an_installed_suite_runs_with_its_own_config_section(tmp_path: Path, installed_plugin: dict[str, str]) -> None:
    routes = {"/": Route("home"), "/gone": Route("gone", status=410)}
    with serve(routes) as server:
        config = tmp_path / "golive.toml"
        config.write_text('[statuses]\npaths = ["/", "/gone"]\n')
        done = run_golive(
            "run", "--suite", "statuses", "--target", server.url, "--out", "out", cwd=tmp_path, env=installed_plugin
        )
        assert done.returncode == 1, done.stderr
        assert "statuses: 1 of 2 pages answered with an error (at most 0) (fail)" in done.stdout
        relaxed = run_golive(
            "run", "--suite", "statuses", "--target", server.url, "--set", "statuses.max_failures=1",
            "--out", "out", cwd=tmp_path, env=installed_plugin,
        )  # fmt: skip
        assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text())
    assert result["suites"]["statuses"]["status"] == "pass"
    assert result["suites"]["statuses"]["blocks"][0]["rows"][1] == {"path": "/gone", "status": 410}
    assert result["suites"]["performance"]["status"] == "skipped"
    report = (tmp_path / "out" / "latest" / "report.html").read_text()
    assert "Status codes of key pages" in report or "Statuses" in report
    assert "<code>/gone</code>" in report


def test_an_installed_suite_config_is_validated_like_a_builtin_one(
    tmp_path: Path, installed_plugin: dict[str, str]
) -> None:
    typo = run_golive("config", "check", "--set", "statuses.max_failure=1", cwd=tmp_path, env=installed_plugin)
    assert typo.returncode == 3
    assert "statuses.max_failure" in typo.stderr
    target = 'target.url="http://127.0.0.1:8000"'
    shown = run_golive(
        "config", "check", "--set", target, "--set", "statuses.max_failures=2", cwd=tmp_path, env=installed_plugin
    )
    assert shown.returncode == 0, shown.stderr
    # Every suite section also takes the history's new-findings gate (off unless set).
    assert json.loads(shown.stdout)["statuses"] == {"paths": ["/"], "max_failures": 2, "new_findings": "off"}


def test_without_the_plugin_its_section_and_suite_are_unknown(tmp_path: Path) -> None:
    unknown = run_golive("config", "check", "--set", "statuses.max_failures=1", cwd=tmp_path)
    assert unknown.returncode == 3
    assert "statuses" in unknown.stderr and "unknown key" in unknown.stderr
    choice = run_golive("run", "--suite", "statuses", "--target", "http://127.0.0.1:9", cwd=tmp_path)
    assert choice.returncode == 3
    assert "invalid choice: 'statuses'" in choice.stderr
