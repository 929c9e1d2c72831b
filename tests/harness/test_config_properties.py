"""Property-based: whatever keys and values are given, loading a config never tracebacks; it either yields a
valid config or one ConfigError line naming every problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.commands import plan_run
from harness.config_loader import ConfigError, load_config
from harness.errors import UsageError

KNOWN_KEYS = [
    "performance.users", "performance.duration", "performance.workers", "performance.think_time",
    "performance.paths", "performance.thresholds.p95_ms", "performance.thresholds.error_ratio", "performance.shape",
    "accessibility.pages", "accessibility.fail_on", "accessibility.max_pages", "accessibility.crawl.max_pages",
    "security.mode", "security.zap.required", "security.zap.api_url", "security.fail_on", "target.url",
    "target.allowed_hosts", "target.headers", "suites", "waivers", "browser.executable",
]  # fmt: skip
JUNK_KEYS = st.from_regex(r"[a-z]{1,8}(\.[a-z_]{1,8}){0,2}", fullmatch=True)
VALUES = st.one_of(
    st.sampled_from(
        [
            "10",
            "-1",
            "0",
            '"10s"',
            '"forever"',
            '"auto"',
            '"many"',
            "true",
            '["/a", "/b"]',
            "[]",
            "{fail=1}",
            "{warn=5, fail=1}",
            "{fail_below=50}",
            '"http://127.0.0.1:8000"',
            '"not a url"',
            "1e309",
            '"full"',
            '[{rule="x", reason="r", expires=2030-01-01}]',
            "{}",
            '"${GOLIVE_UNSET_VARIABLE}"',
        ]
    ),
    st.text(max_size=12),
    st.integers(),
).map(str)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.sampled_from(KNOWN_KEYS), JUNK_KEYS), VALUES), max_size=4))
def test_any_set_options_give_a_config_or_one_line_naming_the_problems(pairs: list[tuple[str, str]]) -> None:
    options = [f"{key}={value}" for key, value in pairs]
    try:
        loaded = load_config(None, None, options, "http://127.0.0.1:8000", environ={})
    except ConfigError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message
        return
    # A config that loads is a plan that can be made, or refused with a usage error, never a crash.
    try:
        plan = plan_run(loaded, None, Path("reports"))
    except UsageError as error:
        assert "\n" not in str(error)
        return
    assert plan.suites


@pytest.mark.parametrize(
    ("option", "named"),
    [
        ("performance.users=-1", "performance.users"),
        ('performance.duration="forever"', "performance.duration"),
        ('performance.workers="many"', "'auto' or a valid integer"),
    ],
)
def test_out_of_range_values_name_the_key_and_what_is_allowed(option: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(None, None, [option], "http://127.0.0.1:8000", environ={})
