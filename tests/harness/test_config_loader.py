"""Config layering, validation errors and secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config_loader import ConfigError, deep_merge, load_config, parse_set_option
from harness.thresholds import Band


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "golive.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_only_a_target() -> None:
    loaded = load_config(None, None, [], "http://127.0.0.1:8000", environ={})
    assert loaded.config.target.url == "http://127.0.0.1:8000"
    assert loaded.config.performance.users == 10
    assert loaded.config.performance.thresholds["p95_ms"] == Band(warn=500, fail=1000)
    assert loaded.config.suites == ["availability", "performance", "accessibility", "security", "checklist"]
    assert loaded.secrets == frozenset()


def test_file_then_profile_then_set_are_layered(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[target]
url = "http://127.0.0.1:8000"
[performance]
users = 50
duration = "2m"
[performance.thresholds]
p95_ms = { warn = 300, fail = 600 }
[profiles.nightly]
performance = { duration = "10m", users = 80 }
""",
    )
    loaded = load_config(path, "nightly", ["performance.users=90"], environ={})
    performance = loaded.config.performance
    assert performance.duration == 600
    assert performance.users == 90
    assert performance.thresholds["p95_ms"] == Band(warn=300, fail=600)
    # A table given in the file merges with the defaults rather than replacing them.
    assert performance.thresholds["error_ratio"] == Band(warn=0.001, fail=0.01)
    assert loaded.profile == "nightly"


def test_wrong_type_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[performance]\nusers = "many"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, None, [], "http://127.0.0.1:8000", environ={})
    message = str(caught.value)
    assert "performance.users" in message
    assert str(path) in message
    assert "integer" in message
    assert "\n" not in message


def test_unknown_key_is_rejected_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "[performance]\nuserz = 5\n")
    with pytest.raises(ConfigError, match=r"performance\.userz: unknown key"):
        load_config(path, None, [], "http://127.0.0.1:8000", environ={})


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[performance\nusers = 5\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(path, None, [], None, environ={})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", None, [], None, environ={})


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "[profiles.nightly]\nperformance = { users = 2 }\n")
    with pytest.raises(ConfigError, match=r"profile 'staging' is not defined.*nightly"):
        load_config(path, "staging", [], "http://127.0.0.1:8000", environ={})


def test_environment_references_are_expanded_and_secret(tmp_path: Path) -> None:
    path = write(tmp_path, '[target]\nurl = "http://127.0.0.1:8000"\nheaders = { Authorization = "Bearer ${TOKEN}" }\n')
    loaded = load_config(path, None, [], None, environ={"TOKEN": "s3cr3t-value"})
    assert loaded.config.target.headers["Authorization"] == "Bearer s3cr3t-value"
    assert "s3cr3t-value" in loaded.secrets
    assert "Bearer s3cr3t-value" in loaded.secrets


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[security.zap]\napi_key = "${ZAP_API_KEY}"\n')
    with pytest.raises(ConfigError, match=r"security\.zap\.api_key: environment variable ZAP_API_KEY is not set"):
        load_config(path, None, [], "http://127.0.0.1:8000", environ={})


def test_set_values_are_toml_with_plain_string_fallback() -> None:
    assert parse_set_option("performance.users=10") == (["performance", "users"], 10)
    assert parse_set_option('performance.duration="10s"') == (["performance", "duration"], "10s")
    assert parse_set_option('accessibility.pages=["/a","/b"]') == (["accessibility", "pages"], ["/a", "/b"])
    assert parse_set_option("security.zap.required=false") == (["security", "zap", "required"], False)
    assert parse_set_option("target.url=http://127.0.0.1:1") == (["target", "url"], "http://127.0.0.1:1")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_set_option("performance.users")


def test_set_with_environment_reference_is_secret() -> None:
    loaded = load_config(None, None, ["security.zap.api_key=${KEY}"], "http://127.0.0.1:1", environ={"KEY": "abcd1234"})
    assert loaded.config.security.zap.api_key == "abcd1234"
    assert "abcd1234" in loaded.secrets


def test_literal_header_and_cookie_values_are_secrets() -> None:
    loaded = load_config(
        None, None, ['target.headers={X-Api = "literal-key"}', 'target.cookies={sid = "cookie-val"}'], None, environ={}
    )
    assert {"literal-key", "cookie-val"} <= loaded.secrets


@pytest.mark.parametrize(
    ("option", "key"),
    [
        ("performance.think_time=[3, 1]", "performance.think_time"),
        ("performance.workers=0", "performance.workers"),
        ('performance.paths=["start"]', "performance.paths"),
        ('performance.duration="soon"', "performance.duration"),
        ('accessibility.fail_on=["bad"]', "accessibility.fail_on[0]"),
        ('target.url="ftp://x"', "target.url"),
        ("performance.thresholds.p95_ms={warn=2, fail=1}", "performance.thresholds.p95_ms"),
        ('waivers=[{rule="x", reason="r", expires="soon"}]', "waivers[0].expires"),
    ],
)
def test_invalid_values_name_their_key(option: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, None, [option], None, environ={})
    assert f"{key}:" in str(caught.value)


def test_per_endpoint_thresholds_validate() -> None:
    loaded = load_config(
        None, None, ['performance.thresholds."GET /search".p95_ms={fail=200}'], "http://127.0.0.1:1", environ={}
    )
    endpoint = loaded.config.performance.thresholds["GET /search"]
    assert isinstance(endpoint, dict)
    assert endpoint["p95_ms"].fail == 200


def test_deep_merge_replaces_lists_and_merges_tables() -> None:
    merged = deep_merge({"a": {"b": 1, "c": [1]}, "d": 1}, {"a": {"c": [2]}, "e": 2})
    assert merged == {"a": {"b": 1, "c": [2]}, "d": 1, "e": 2}


def test_shipped_example_configs_validate() -> None:
    config_dir = Path(__file__).resolve().parents[2] / "config"
    examples = sorted(config_dir.glob("*.toml"))
    assert examples, "config/ should ship example configs"
    for path in examples:
        environ = {"STAGING_TOKEN": "t0ken-value", "ZAP_API_KEY": "zap-key-value"}
        loaded = load_config(path, None, [], "http://127.0.0.1:8000", environ=environ)
        for profile in loaded.config.profiles:
            load_config(path, profile, [], "http://127.0.0.1:8000", environ=environ)
