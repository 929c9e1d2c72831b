"""Values out of range, given on the command line as a user would: golive names each key with what is allowed,
exits with the usage code, and runs nothing (no run folder, no process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.cli import run

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["performance.users=-1"], ["performance.users: Input should be greater than or equal to 1"]),
        (['performance.duration="forever"'], ["performance.duration: 'forever' is not a duration; write e.g. \"30s\""]),
        (
            ["performance.users=-1", 'performance.duration="forever"', "accessibility.crawl.max_pages=-5"],
            ["performance.users:", "performance.duration:", "accessibility.crawl.max_pages:"],
        ),
    ],
)
def test_out_of_range_values_are_named_at_once_and_nothing_runs(
    tmp_path: Path, options: list[str], named: list[str]
) -> None:
    sets = [part for option in options for part in ("--set", option)]
    outcome = run(["run", "--target", "http://127.0.0.1:9", *sets], tmp_path)
    assert outcome.code == 3
    lines = outcome.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("golive: error:"), outcome.output
    for key in named:
        assert key in lines[0]
    assert "Traceback" not in outcome.output
    assert not (tmp_path / "out").exists(), "a run folder was made for a run that cannot start"
