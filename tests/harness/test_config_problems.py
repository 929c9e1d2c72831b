"""Config mistakes are all named at once, with what is allowed; `config check` refuses what `run` refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.config_loader import ConfigError, load_config, url_secrets
from harness.thresholds import Band


def test_every_problem_is_named_at_once_with_what_is_allowed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, None, ["performance.userz=5", 'performance.workers="many"', "performance.users=0"], None, {})
    message = str(caught.value)
    assert "3 problems" in message
    assert "performance.userz: unknown key (did you mean 'users'?)" in message
    assert "performance.workers: Input should be 'auto' or a valid integer" in message
    assert "(got 'many')" in message
    assert "performance.users: Input should be greater than or equal to 1" in message
    assert "\n" not in message


def test_a_typo_far_from_any_key_points_to_the_reference() -> None:
    with pytest.raises(ConfigError, match=r"security\.zap\.qqqqq: unknown key; check its spelling"):
        load_config(None, None, ["security.zap.qqqqq=1"], None, {})


def test_every_missing_environment_variable_is_named_at_once(tmp_path: Path) -> None:
    path = tmp_path / "golive.toml"
    path.write_text('[target]\nheaders = { A = "${GOLIVE_ONE}", B = "${GOLIVE_TWO}" }\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, None, [], None, {})
    assert "environment variable GOLIVE_ONE is not set" in str(caught.value)
    assert "environment variable GOLIVE_TWO is not set" in str(caught.value)


def test_a_target_url_from_the_environment_is_not_a_secret_but_its_credentials_are(tmp_path: Path) -> None:
    path = tmp_path / "golive.toml"
    path.write_text('[target]\nurl = "${GOLIVE_URL}"\n')
    url = "https://robot:hunter22@staging.example.test/app?access_token=tok-123456&page=2"
    loaded = load_config(path, None, [], None, {"GOLIVE_URL": url})
    assert loaded.config.target.url == url
    assert loaded.secrets == {"robot", "hunter22", "tok-123456"}
    assert url_secrets("http://127.0.0.1:8000/") == set()


@pytest.mark.parametrize("where", ["file", "--target", "--set"])
def test_credentials_typed_into_the_target_url_are_secrets_too(tmp_path: Path, where: str) -> None:
    url = "https://robot:hunter22@staging.example.test/app?api_key=key-98765&page=2"
    path = tmp_path / "golive.toml"
    path.write_text(f'[target]\nurl = "{url}"\n' if where == "file" else "")
    overrides = [f'target.url="{url}"'] if where == "--set" else []
    loaded = load_config(path, None, overrides, url if where == "--target" else None, {})
    assert loaded.config.target.url == url
    assert loaded.secrets == {"robot", "hunter22", "key-98765"}


def test_a_band_given_at_one_layer_replaces_the_band_below() -> None:
    loaded = load_config(None, None, ["performance.thresholds.error_ratio={fail=0.5}"], None, {})
    assert loaded.config.performance.thresholds["error_ratio"] == Band(fail=0.5)
    # Other bands keep their defaults.
    assert loaded.config.performance.thresholds["p95_ms"] == Band(warn=500, fail=1000)


def test_a_waiver_for_a_suite_that_does_not_exist_is_refused() -> None:
    waiver = 'waivers=[{rule="x", suite="perfomance", reason="r", expires=2030-01-01}]'
    with pytest.raises(ConfigError, match=r"waivers\[0\]\.suite: unknown suite .perfomance."):
        load_config(None, None, [waiver], None, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[performance]\nusers = 5\n", "no target: set target.url"),
        (
            '[target]\nurl = "http://127.0.0.1:8000"\n[profiles.nightly]\nperformance = { userz = 5 }\n',
            "profile 'nightly': performance.userz: unknown key (did you mean 'users'?)",
        ),
        ('[target]\nurl = "http://127.0.0.1:8000"\n[security]\nrules_file = "missing.tsv"\n', "missing.tsv"),
        ('[target]\nurl = "http://127.0.0.1:8000"\n[performance]\nlocustfile = "nope.py"\n', "nope.py"),
        (
            '[target]\nurl = "http://127.0.0.1:8000"\n[accessibility]\nstorage_state = "state.json"\n',
            "accessibility.storage_state 'state.json' is not a file",
        ),
    ],
)
def test_config_check_refuses_what_run_would_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "golive.toml").write_text(text)
    assert main(["config", "check"]) == 3
    assert expected in capsys.readouterr().err


def test_config_check_names_a_problem_of_the_file_and_one_of_a_profile_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "golive.toml").write_text(
        '[target]\nurl = "http://127.0.0.1:8000"\n[performance]\nusers = "ten"\n'
        '[profiles.nightly]\nperformance = { durationn = "1m" }\n'
    )
    assert main(["config", "check"]) == 3
    error = capsys.readouterr().err
    assert "performance.users: Input should be a valid integer" in error
    assert "profile 'nightly': performance.durationn: unknown key (did you mean 'duration'?)" in error
    # The file's own problem is said once, not again under the profile.
    assert error.count("performance.users:") == 1


def test_config_check_passes_a_good_config_with_profiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    text = '[target]\nurl = "http://127.0.0.1:8000"\n[profiles.nightly]\nperformance = { users = 5 }\n'
    (tmp_path / "golive.toml").write_text(text)
    assert main(["config", "check"]) == 0
    assert "config OK" in capsys.readouterr().err


def test_a_misspelt_suite_or_command_names_the_closest_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--suite", "accesibility"])
    assert stopped.value.code == 3
    assert capsys.readouterr().err.rstrip().endswith("; did you mean 'accessibility'?")
    with pytest.raises(SystemExit):
        main(["histroy"])
    assert "did you mean 'history'?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "--suite", "xyz"])
    assert "did you mean" not in capsys.readouterr().err
