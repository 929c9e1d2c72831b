"""The real `golive` command: usage errors, exit codes, quick start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, free_port, run_golive

pytestmark = pytest.mark.integration


def test_help_imports_no_heavy_tool(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from harness.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('locust', 'gevent', 'playwright', 'zapv2', 'pydantic') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert "HEAVY=\n" in done.stdout


def test_version(tmp_path: Path) -> None:
    done = run_golive("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("golive ")


def test_bad_usage_exits_3(tmp_path: Path) -> None:
    done = run_golive("run", "--suite", "nonsense", cwd=tmp_path)
    assert done.returncode == 3
    assert "invalid choice" in done.stderr


def test_bad_config_value_exits_3_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "golive.toml"
    config.write_text('[target]\nurl = "http://127.0.0.1:1"\n[performance]\nusers = "many"\n')
    done = run_golive("run", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 3
    assert "performance.users" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists(), "nothing may run before the config is valid"


def test_default_config_file_is_found(tmp_path: Path) -> None:
    (tmp_path / "golive.toml").write_text("[performance]\nusers = 0\n")
    done = run_golive("config", "check", cwd=tmp_path)
    assert done.returncode == 3
    assert "golive.toml" in done.stderr
    assert "performance.users" in done.stderr


def test_config_check_masks_secrets(tmp_path: Path) -> None:
    config = tmp_path / "golive.toml"
    config.write_text(
        '[target]\nurl = "http://127.0.0.1:8000"\nheaders = { Authorization = "Bearer ${GOLIVE_TEST_TOKEN}" }\n'
    )
    done = run_golive("config", "check", "--config", str(config), cwd=tmp_path, env={"GOLIVE_TEST_TOKEN": "zzz-top"})
    assert done.returncode == 0, done.stderr
    assert "zzz-top" not in done.stdout + done.stderr
    assert '"Authorization": "***"' in done.stdout


def test_missing_target_exits_3(tmp_path: Path) -> None:
    done = run_golive("run", cwd=tmp_path)
    assert done.returncode == 3
    assert "--target" in done.stderr


def test_load_test_against_a_host_not_allowed_is_refused_before_any_request(tmp_path: Path) -> None:
    done = run_golive("run", "--target", "https://staging.example.invalid", cwd=tmp_path)
    assert done.returncode == 3
    assert "allowed_hosts" in done.stderr
    assert not (tmp_path / "reports").exists()


def test_unreachable_target_is_inconclusive_with_one_line_reason(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = run_golive("run", "--target", url, "--out", str(tmp_path / "out"), cwd=tmp_path, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Verdict: INCONCLUSIVE" in done.stdout
    assert f"target {url} is unreachable: connection refused" in done.stdout
    assert done.stdout.count("\n  - ") == 1, "the one cause, said once, with no knock-on 'not measured' lines"
    for name in ("result.json", "report.html", "summary.md", "junit.xml"):
        assert (tmp_path / "out" / "latest" / name).is_file(), name


def test_evaluate_needs_a_run_folder(tmp_path: Path) -> None:
    done = run_golive("evaluate", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 3
    assert "not a golive run folder" in done.stderr
