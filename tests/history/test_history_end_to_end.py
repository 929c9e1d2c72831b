"""Real `golive run --suite performance` runs recorded in the history, listed and compared afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import Route, run_golive, serve

pytestmark = pytest.mark.integration
PASSWORD = "e2e-db-pass-91c4"


def test_runs_are_recorded_listed_compared_and_invalidated(history_url: str, tmp_path: Path) -> None:
    env = {"HISTORY_DB_PASSWORD": PASSWORD}
    url = history_url.replace("golive@", "golive:${HISTORY_DB_PASSWORD}@")  # PostgreSQL: a password from the env
    config = tmp_path / "golive.toml"
    config.write_text(f'[history]\nurl = "{url}"\n[performance]\nduration = "2s"\nusers = 2\n')
    page = "<!DOCTYPE html><html lang='en'><title>Home</title><main><h1>Home</h1></main></html>"
    with serve({"/": Route(page)}) as server:
        ids = []
        for label in ("build-1", "build-2"):
            done = run_golive(
                "run", "--suite", "performance", "--target", server.url, "--label", label, cwd=tmp_path, env=env
            )
            assert done.returncode == 0, done.stderr
            ids.append(json.loads((tmp_path / "reports" / "latest" / "result.json").read_text())["run_id"])
    second = (tmp_path / "reports" / ids[1] / "result.json").read_text()
    assert PASSWORD not in second
    assert json.loads(second)["comparison"]["previous_run_id"] == ids[0]

    listed = run_golive("history", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()[1:]
    assert [row.split()[:3] for row in rows] == [[ids[0], "build-1", "READY"], [ids[1], "build-2", "READY"]]
    assert all(row.count("not run") == 0 and " pass " in row for row in rows)  # only suites that ran have columns

    compared = run_golive("compare", ids[0], str(tmp_path / "reports" / "latest"), cwd=tmp_path, env=env)
    assert compared.returncode == 0, compared.stderr
    assert compared.stdout.splitlines()[0] == f"{ids[0]} (build-1) → {ids[1]} (build-2)"
    assert "  performance: pass → pass" in compared.stdout

    run_golive("history", "invalidate", ids[0], "--reason", "warm-up run", cwd=tmp_path, env=env)
    shown = run_golive("history", "show", ids[0], cwd=tmp_path, env=env)
    assert "INVALID: warm-up run (never used as a baseline)" in shown.stdout
    everything = listed.stdout + listed.stderr + compared.stdout + shown.stdout + shown.stderr
    assert PASSWORD not in everything
