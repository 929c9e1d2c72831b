"""What golive asks Wapiti to do: modules by mode and host, the command line, the cookie file, the log's notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from harness.suite import Target
from suites.security.settings import WapitiSettings
from suites.security.wapiti import read_log_notes
from suites.security.wapiti_command import (
    ATTACK_MODULES,
    PASSIVE_MODULES,
    ScanFiles,
    choose_modules,
    cookie_jar,
    header_arguments,
    masked_command,
    wapiti_command,
)

LOOPBACK = Target("http://127.0.0.1:8000/")
REMOTE = Target("https://staging.example.gov.uk/")


def test_baseline_runs_only_the_passive_modules() -> None:
    assert choose_modules(WapitiSettings(), "baseline", LOOPBACK).modules == PASSIVE_MODULES


def test_full_mode_adds_the_attack_modules_but_ssrf_only_with_an_endpoint_of_your_own() -> None:
    choice = choose_modules(WapitiSettings(), "full", LOOPBACK)
    assert choice.modules == (*PASSIVE_MODULES, *ATTACK_MODULES)
    asked = choose_modules(WapitiSettings(modules=["xss", "ssrf"]), "full", LOOPBACK)
    assert asked.modules == ("xss",)
    assert asked.left_out["ssrf"].startswith("needs an out-of-band endpoint of your own")
    with_endpoint = choose_modules(WapitiSettings(endpoint="http://127.0.0.1:9999/"), "full", LOOPBACK)
    assert "ssrf" in with_endpoint.modules


def test_attack_modules_are_refused_on_a_host_that_is_not_allowed() -> None:
    choice = choose_modules(WapitiSettings(), "full", REMOTE)
    assert choice.modules == PASSIVE_MODULES
    assert choice.left_out["xss"] == "an attack module, and host staging.example.gov.uk is not in target.allowed_hosts"
    allowed = Target(REMOTE.url, allowed_hosts=("staging.example.gov.uk",))
    assert "xss" in choose_modules(WapitiSettings(), "full", allowed).modules


def test_configured_attack_modules_never_run_in_baseline_mode() -> None:
    choice = choose_modules(WapitiSettings(modules=["csp", "xss"]), "baseline", LOOPBACK)
    assert choice.modules == ("csp",)
    assert choice.left_out == {"xss": "an attack module, run only in full mode"}


def test_modules_whose_rules_are_all_ignored_are_left_out() -> None:
    choice = choose_modules(WapitiSettings(), "baseline", LOOPBACK, ignored_modules=["http_headers"])
    assert choice.modules == ("cookieflags", "csp")
    assert "rules file" in choice.left_out["http_headers"]


def test_the_command_has_a_private_store_a_report_limits_headers_and_exclusions(tmp_path: Path) -> None:
    target = Target(
        "http://127.0.0.1:8000/",
        headers={"Authorization": "Bearer t0ps3cret", "Cookie": "a=1"},
        cookies={"session": "s3ss"},
    )
    settings = WapitiSettings(max_scan_time=30, max_attack_time=20, exclude=["/logout*"], extra_args=["-d", "3"])
    files = ScanFiles(tmp_path)
    command = wapiti_command("wapiti", target, settings, ("csp", "xss"), files, True, ["http://127.0.0.1:8000/api"])
    text = " ".join(command)
    for part in (
        "-u http://127.0.0.1:8000/ --scope folder -m csp,xss -f json",
        f"-o {files.report} --flush-session --store-session {files.session} --store-config {files.config}",
        "--max-scan-time 30 --max-attack-time 20",
        "--no-bugreport",
        f"-c {files.cookies}",
        "-s http://127.0.0.1:8000/api",
        "-x http://127.0.0.1:8000/logout*",
    ):
        assert part in text, part
    assert command[-2:] == ["-d", "3"] and "t0ps3cret" not in text  # headers go through the launcher
    assert header_arguments(target) == ["-H", "Authorization: Bearer t0ps3cret"]  # the Cookie header is in the file
    shown = masked_command([*command, *header_arguments(target)], target.headers)
    assert "t0ps3cret" not in shown and "Authorization: ***" in shown


def test_cookies_and_a_cookie_header_go_to_wapitis_cookie_file_for_the_host() -> None:
    target = Target("http://127.0.0.1:8000/", headers={"Cookie": "a=1; b=2"}, cookies={"session": "s"})
    jar = cookie_jar(target)
    assert set(jar["127.0.0.1"]["/"]) == {"a", "b", "session"}
    assert jar["127.0.0.1"]["/"]["session"]["value"] == "s"
    assert list(cookie_jar(Target("https://staging.example.gov.uk/", cookies={"x": "1"}))) == [
        ".staging.example.gov.uk"
    ]
    assert list(cookie_jar(Target("http://localhost:8000/", cookies={"x": "1"}))) == [".localhost.local"]
    assert cookie_jar(LOOPBACK) == {}


def test_the_cookie_file_is_private(tmp_path: Path) -> None:
    files = ScanFiles(tmp_path)
    assert files.prepare(Target(LOOPBACK.url, cookies={"session": "s"})) is True
    assert files.cookies.stat().st_mode & 0o077 == 0
    assert (files.config / "apps.json").read_text() == "{}"  # so Wapiti never downloads its fingerprint database


def test_options_golive_sets_itself_are_refused_in_extra_args() -> None:
    with pytest.raises(ValidationError, match="is set by golive itself"):
        WapitiSettings(extra_args=["-u", "http://elsewhere.example/"])
    with pytest.raises(ValidationError, match="not a Wapiti module name"):
        WapitiSettings(modules=["xss;rm"])


LOG = """[*] Saving scan state, please wait...
Max scan time was reached, stopping.
[*] Wapiti found 7 URLs and forms during the scan
[*] Launching module sql
UnicodeDecodeError 'utf-8' codec can't decode byte 0xbf in position 6: invalid start byte
  File "/usr/lib/python3/dist-packages/wapitiCore/main/wapiti.py", line 390, in attack
[*] Launching module blindsql
Max attack time was reached for module blindsql, stopping.
3 requests were skipped due to network issues
"""


def test_the_log_says_which_limits_were_reached_and_which_modules_failed() -> None:
    notes = read_log_notes(LOG, WapitiSettings(max_scan_time=1, max_attack_time=5))
    assert notes["urls_found"] == 7
    assert notes["modules_run"] == ["sql", "blindsql"]
    assert notes["partial"] == [
        "crawl stopped at its 1s limit (security.wapiti.max_scan_time)",
        "module sql stopped on an error (UnicodeDecodeError 'utf-8' codec can't decode byte 0xbf in position 6: "
        "invalid start byte)",
        "module blindsql stopped at its 5s limit (security.wapiti.max_attack_time)",
        "module blindsql skipped 3 requests after network errors",
    ]


def test_a_clean_log_has_no_partial_notes() -> None:
    clean = "[*] Wapiti found 3 URLs and forms during the scan\n[*] Launching module csp\nReport\n"
    assert read_log_notes(clean, WapitiSettings())["partial"] == []
