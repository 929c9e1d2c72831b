"""Real Wapiti against a small app built to be vulnerable, its fixed twin, and stand-ins for a Wapiti that hangs.

Scans stay short: a six-page app, the few modules each test needs, and Wapiti's own time limits.
"""

from __future__ import annotations

import _thread
import json
import os
import shutil
import stat
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.suite import Target
from suites.security import wapiti as wapiti_module
from suites.security.settings import SecuritySettings, WapitiSettings
from suites.security.wapiti import run_wapiti_scan
from suites.security.wapiti_findings import report_findings
from tests.security.vulnerable_app import vulnerable_app
from tests.support import Route, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("wapiti") is None, reason="Debian's wapiti is not installed (make setup)"),
]
ATTACKS = ["http_headers", "csp", "xss", "sql", "redirect"]
# What Wapiti's attack modules put in requests; none of it may reach the app in baseline mode.
PAYLOAD_MARKERS = ("script", "openbugbounty", "%27", "'", "%BF", "alert", "../", "sleep", "%0d%0a", "%0D%0A")


def scan(target: Target, mode: str, **settings: Any) -> dict[str, Any]:
    """Run golive's Wapiti scan with short limits (and any settings given)."""
    values: dict[str, Any] = {"max_scan_time": 30, "max_attack_time": 30}
    values.update(settings)
    return run_wapiti_scan(target, WapitiSettings.model_validate(values), mode, lambda message: None)


def found(record: dict[str, Any]) -> dict[str, Any]:
    """The record's findings by rule (the first of each rule)."""
    findings: dict[str, Any] = {}
    for finding in report_findings(record["report"], record["target"]):
        findings.setdefault(finding.rule, finding)
    return findings


def test_each_planted_vulnerability_is_found_with_its_rule_and_severity() -> None:
    with vulnerable_app() as app:
        record = scan(Target(app.url), "full", modules=ATTACKS)
    assert record["error"] is None, record
    assert record["wapiti_version"] == "3.0.4" or record["wapiti_version"].startswith("3.")
    assert record["partial"] == [] and record["urls_found"] >= 4
    findings = found(record)
    expected = {"wapiti:xss": ("/search", "q"), "wapiti:sql": ("/item", "id"), "wapiti:redirect": ("/go", "next")}
    for rule, (path, param) in expected.items():
        assert rule in findings, sorted(findings)
        assert findings[rule].severity.value == "high"
        assert (findings[rule].url, findings[rule].extra["param"]) == (app.url + path, param)
    assert "wapiti:csp" in findings  # and the passive modules ran too


def test_the_fixed_twin_gives_none_of_them() -> None:
    with vulnerable_app(vulnerable=False) as app:
        record = scan(Target(app.url), "full", modules=ATTACKS)
        sent = app.log.all_text()
    assert record["error"] is None and record["urls_found"] >= 4
    rules = set(found(record))
    assert not rules & {"wapiti:xss", "wapiti:sql", "wapiti:redirect", "wapiti:internal_error"}, rules
    assert "ScRiPt" in sent  # it was attacked all the same: no findings because there is nothing to find


def test_baseline_mode_never_sends_an_attack_payload_and_carries_the_session() -> None:
    target = Target(
        "",
        headers={"Authorization": "Bearer baseline-s3cret"},
        cookies={"session": "c00kie-value"},
    )
    with vulnerable_app() as app:
        target = Target(app.url, target.headers, target.cookies)
        record = scan(target, "baseline", exclude=["/go*"])
        received = list(app.log.requests)
    assert record["error"] is None and record["modules"] == ["http_headers", "cookieflags", "csp"]
    assert received, "Wapiti sent nothing"
    for request in received:
        assert not any(marker.lower() in request.path.lower() for marker in PAYLOAD_MARKERS), request.path
        assert request.body == ""
        assert request.headers.get("Authorization") == "Bearer baseline-s3cret", request
        assert "session=c00kie-value" in request.headers.get("Cookie", ""), request
    assert not [r for r in received if r.path.startswith("/go")]  # the excluded URL was never requested
    assert "baseline-s3cret" not in str(record) and "Authorization: ***" in record["command"]
    assert {"wapiti:csp", "wapiti:http_headers"} <= set(found(record))


def _command_lines() -> list[str]:
    """Every process's command line, as any user of the machine can read it (ps, /proc/PID/cmdline)."""
    lines = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                lines.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue  # gone meanwhile
    return lines


def test_header_values_never_appear_in_the_process_list_while_wapiti_runs() -> None:
    secret = "Bearer ps-l1st-s3cret"
    seen: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            seen.extend(line for line in _command_lines() if "--store-session" in line)

    watcher = threading.Thread(target=watch, daemon=True)
    with vulnerable_app() as app:
        watcher.start()
        try:
            record = scan(Target(app.url, {"Authorization": secret}), "baseline")
        finally:
            done.set()
            watcher.join()
        received = list(app.log.requests)
    assert record["error"] is None and received
    assert all(request.headers.get("Authorization") == secret for request in received)
    assert seen, "the watcher never saw Wapiti running"
    assert not [line for line in seen if "s3cret" in line]
    assert record["launcher"] is True and record["headers_on_command_line"] is False


def test_a_crawl_cut_short_by_its_limit_is_partial_with_what_was_found() -> None:
    links = "".join(f"<a href='/p{n}'>p{n}</a>" for n in range(40))
    page = f"<!DOCTYPE html><html lang='en'><title>t</title><body>{links}</body></html>"
    routes = {f"/p{n}": Route(page, delay=0.3) for n in range(40)}
    with serve({"/": Route(page), **routes}) as site:
        began = time.monotonic()
        record = scan(Target(site.url), "baseline", max_scan_time=1)
        elapsed = time.monotonic() - began
        pages_fetched = {path for method, path in site.requests if path.startswith("/p")}
    assert record["error"] is None
    assert "crawl stopped at its 1s limit (security.wapiti.max_scan_time)" in record["partial"]
    assert 0 < len(pages_fetched) < 40  # the crawl really stopped before it had fetched every page
    assert elapsed < 60
    assert "wapiti:csp" in found(record)


def fake_wapiti(folder: Path) -> Path:
    """A `wapiti` that answers --version, then starts a child and hangs; it writes both process ids."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "wapiti"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "Wapiti 3.0.4"; exit 0; fi\n'
        f"sleep 300 & echo $! > {folder}/child\n"
        f"echo $$ > {folder}/pid\n"
        "echo '[*] Launching module csp'\n"
        "wait\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def alive(pid: int) -> bool:
    """Whether a process exists (and is not a zombie waiting for its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


def environ_with(folder: Path) -> Mapping[str, str]:
    """The environment with `folder` first on PATH."""
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_a_wapiti_that_hangs_is_stopped_with_its_whole_process_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_wapiti(tmp_path)
    monkeypatch.setattr(wapiti_module, "DEADLINE_SLACK", 1.0)
    settings = WapitiSettings(max_scan_time=1, max_attack_time=1, modules=["csp"])
    record = run_wapiti_scan(Target("http://127.0.0.1:9/"), settings, "baseline", lambda m: None,
                             environ=environ_with(tmp_path))  # fmt: skip
    assert record["error_kind"] == "timeout"
    assert record["error"].startswith("Wapiti did not finish within 3s and was stopped (SIGTERM)")
    assert not alive(int((tmp_path / "pid").read_text())) and not alive(int((tmp_path / "child").read_text()))


def test_ctrl_c_stops_wapiti_and_its_children(tmp_path: Path) -> None:
    fake_wapiti(tmp_path)
    settings = WapitiSettings(modules=["csp"])
    timer = threading.Timer(2.0, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_wapiti_scan(Target("http://127.0.0.1:9/"), settings, "baseline", lambda m: None,
                            environ=environ_with(tmp_path))  # fmt: skip
    finally:
        timer.cancel()
    assert not alive(int((tmp_path / "pid").read_text())) and not alive(int((tmp_path / "child").read_text()))


def test_a_missing_wapiti_is_said_with_how_to_install_it(tmp_path: Path) -> None:
    record = run_wapiti_scan(Target("http://127.0.0.1:9/"), WapitiSettings(), "baseline", lambda m: None,
                             environ={"PATH": str(tmp_path)})  # fmt: skip
    assert record["error"] == "Wapiti not found: no 'wapiti' on PATH"
    assert record["hint"].startswith("install it with `apt-get install wapiti` (Debian, Ubuntu)")


def test_security_settings_default_to_auto_with_a_required_scan() -> None:
    settings = SecuritySettings()
    assert settings.engine == "auto" and settings.scan_required
    assert not SecuritySettings.model_validate({"zap": {"required": False}}).scan_required


def test_an_openapi_definition_leads_wapiti_to_operations_no_page_links_to(tmp_path: Path) -> None:
    definition = tmp_path / "openapi.json"
    definition.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/api/search": {"get": {"parameters": [{"name": "q", "in": "query", "example": "trout"}]}},
                    "/api/items/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True}]}},
                },
            }
        ),
        encoding="utf-8",
    )
    with vulnerable_app() as app:
        record = run_wapiti_scan(
            Target(app.url), WapitiSettings(modules=["xss"], max_scan_time=30, max_attack_time=30), "full",
            lambda message: None, openapi=str(definition),
        )  # fmt: skip
    assert record["error"] is None
    assert record["openapi"]["used"] == "seeded" and record["openapi"]["seeded"] == ["/api/search?q=trout"]
    assert record["openapi"]["not_covered"] == ["GET /api/items/{id}: path parameter 'id' has no example"]
    xss_urls = {f.url for f in report_findings(record["report"], app.url) if f.rule == "wapiti:xss"}
    assert app.url + "/api/search" in xss_urls


def test_ctrl_c_on_golive_stops_the_wapiti_it_started(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from tests.support import REPO_ROOT

    fake_wapiti(tmp_path / "bin")
    with serve({"/": Route("<!DOCTYPE html><html lang='en'><title>t</title><h1>t</h1></html>")}) as site:
        process = subprocess.Popen(
            [sys.executable, "-m", "harness", "run", "--target", site.url, "--suite", "security",
             "--set", 'security.engine="wapiti"', "--out", str(tmp_path / "out")],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**environ_with(tmp_path / "bin"), "PYTHONPATH": str(REPO_ROOT)},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not (tmp_path / "bin" / "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stdout + stderr
    assert not alive(int((tmp_path / "bin" / "pid").read_text()))
    assert not alive(int((tmp_path / "bin" / "child").read_text()))


def test_findings_made_before_golive_had_to_stop_wapiti_are_kept_as_a_partial_scan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # xss runs first and proves the XSS in a second or two; blindsql would then take half a minute.
    monkeypatch.setattr(wapiti_module, "hard_deadline", lambda settings, modules: 8.0)
    with vulnerable_app() as app:
        record = scan(Target(app.url), "full", modules=["xss", "blindsql"])
    assert record["stopped_by"] in ("SIGTERM", "SIGKILL")
    assert record["error"] is None and record["report_source"] == "session database"
    assert record["partial"][-1].startswith("Wapiti stopped by golive at its 8s deadline")
    xss = found(record)["wapiti:xss"]
    assert (xss.url, xss.extra["param"]) == (app.url + "/search", "q")
    assert xss.evidence is not None and xss.evidence.startswith("GET /search?q=")
