"""The security suite through the real `golive` command, against local sites and the stub ZAP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.security.sites import bad_site, good_site
from tests.security.test_launch import alive
from tests.security.zap_stub import STUB_KEY, zap_stub
from tests.support import REPO_ROOT, free_port, run_golive, serve

pytestmark = pytest.mark.integration
FAST_POLLS = "security.zap.poll_interval=0.02"


def _result(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "latest" / "result.json").read_text(encoding="utf-8"))
    return data


def _check(result: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(check for check in result["suites"]["security"]["checks"] if check["id"] == check_id)


def _all_text(folder: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in folder.rglob("*") if path.is_file())


def test_with_neither_engine_a_required_scan_is_inconclusive_naming_both(tmp_path: Path) -> None:
    api_url = f"http://127.0.0.1:{free_port()}"
    nothing = tmp_path / "empty-bin"  # a PATH without zap.sh, docker or wapiti: engine = "auto" has nothing to use
    nothing.mkdir()
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="{api_url}"', "--out", str(tmp_path / "out"), cwd=REPO_ROOT, timeout=60,
            env={"PATH": str(nothing), "ZAP_HOME": ""},
        )  # fmt: skip
    tmp_path = tmp_path / "out"
    assert proc.returncode == 2, proc.stdout + proc.stderr
    result = _result(tmp_path)
    check = _check(result, "scan")
    assert check["status"] == "error"
    assert check["message"].startswith(
        f"ZAP not reachable at {api_url}: connection refused, and none could be launched "
        '(launch = "auto": no zap.sh in ZAP_HOME or on PATH, and no Docker engine answered `docker info`); '
        "and Wapiti is not installed (no 'wapiti' on PATH); start it with `docker run"
    )
    assert "for Wapiti, install it with `apt-get install wapiti`" in check["message"]
    assert check["message"].endswith("or set security.required = false")
    assert "\n" not in check["message"]
    assert result["verdict"] == "INCONCLUSIVE"
    assert any(
        reason["suites"] == ["security"] and reason["message"].startswith(f"ZAP not reachable at {api_url}")
        for reason in result["reasons"]
    )
    assert f"ZAP not reachable at {api_url}" in proc.stdout + proc.stderr


def test_a_zap_that_is_not_required_is_skipped_and_the_report_says_so(tmp_path: Path) -> None:
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security", "--set", 'security.engine="zap"',
            "--set", f'security.zap.api_url="http://127.0.0.1:{free_port()}"',
            "--set", "security.zap.required=false", "--out", str(tmp_path), cwd=REPO_ROOT, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = _result(tmp_path)
    security = result["suites"]["security"]
    assert _check(result, "zap_scan")["status"] == "skipped"
    assert security["metrics"]["engine"] == "hygiene-only"
    assert any("ZAP scan not run (security.zap.required = false)" in note for note in security["notes"])
    assert any(
        "the verdict was reached without an active/passive scan" in reason["message"] for reason in result["reasons"]
    )
    assert (tmp_path / "latest" / "security.sarif").is_file()
    assert "ZAP scan not run" in (tmp_path / "latest" / "summary.md").read_text(encoding="utf-8")


def test_a_high_zap_alert_makes_the_service_not_ready(tmp_path: Path) -> None:
    with serve(good_site()) as site, zap_stub() as stub:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="{stub.url}"', "--set", f'security.zap.api_key="{STUB_KEY}"',
            "--set", FAST_POLLS, "--out", str(tmp_path), cwd=REPO_ROOT, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    result = _result(tmp_path)
    security = result["suites"]["security"]
    assert result["verdict"] == "NOT_READY"
    assert _check(result, "zap_scan")["status"] == "pass"
    high = _check(result, "severity_high")
    assert high["status"] == "fail" and high["measured"] == 1 and "40012" in high["message"]
    assert _check(result, "severity_medium")["status"] == "warn"
    assert security["metrics"]["engine"] == "zap"
    assert security["metrics"]["urls_scanned"] == 3
    assert security["metrics"]["alerts_by_risk"] == {"High": 1, "Medium": 1, "Low": 1, "Informational": 1}
    zap_rules = [finding["rule"] for finding in security["findings"] if finding.get("source") == "zap"]
    assert sorted(zap_rules) == ["10021", "10038", "10109", "40012"]  # duplicate merged, false positive dropped
    run_dir = (tmp_path / "latest").resolve()
    saved = json.loads((run_dir / "artifacts" / "security" / "zap_alerts.json").read_text(encoding="utf-8"))
    assert saved["zap_version"] == "2.16.0" and len(saved["alerts"]) == 6
    assert STUB_KEY not in _all_text(run_dir)  # the API key is a secret

    # Re-judging the saved artifacts with other gates needs no ZAP and no target.
    again = run_golive("evaluate", str(run_dir), "--set", 'security.fail_on=["critical"]', cwd=REPO_ROOT, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _result(tmp_path)["verdict"] == "READY"


def test_a_wrong_api_key_is_reported_plainly(tmp_path: Path) -> None:
    with serve(good_site()) as site, zap_stub() as stub:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="{stub.url}"', "--set", 'security.zap.api_key="wrong-key-123"',
            "--set", FAST_POLLS, "--out", str(tmp_path), cwd=REPO_ROOT, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = _check(_result(tmp_path), "zap_scan")["message"]
    assert message.startswith(f"ZAP at {stub.url} rejected the API key (bad_api_key")
    assert "docker run" not in message


def test_hygiene_problems_alone_make_the_service_not_ready(tmp_path: Path) -> None:
    with serve(bad_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security", "--set", "security.zap.required=false",
            "--set", 'security.engine="zap"',
            "--set", f'security.zap.api_url="http://127.0.0.1:{free_port()}"', "--out", str(tmp_path),
            cwd=REPO_ROOT, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    result = _result(tmp_path)
    rules = {finding["rule"] for finding in result["suites"]["security"]["findings"]}
    assert {"exposed-git", "server-version-disclosed", "cookie-without-httponly", "missing-csp"} <= rules
    sarif = json.loads((tmp_path / "latest" / "security.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == rules


def test_auto_launches_a_local_zap_keeps_its_log_and_reports_and_never_writes_the_key(tmp_path: Path) -> None:
    from tests.security.test_launch import fake_zap_script

    bin_dir = tmp_path / "bin"
    fake_zap_script(bin_dir)
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="http://127.0.0.1:{free_port()}"', "--set", FAST_POLLS,
            "--out", str(tmp_path / "out"), cwd=REPO_ROOT, timeout=60,
            env={"PATH": str(bin_dir), "ZAP_HOME": ""},
        )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the stub's High alert
    out = tmp_path / "out"
    result = _result(out)
    check = _check(result, "zap_scan")
    assert check["status"] == "pass"
    assert "scan (started by golive with local)" in check["message"]
    assert result["suites"]["security"]["metrics"]["zap_launched"] == "local"
    artifacts = (out / "latest").resolve() / "artifacts" / "security"
    assert {"zap.log", "zap_report.json", "zap_report.html", "zap_alerts.json"} <= {p.name for p in artifacts.iterdir()}
    log = (artifacts / "zap.log").read_text(encoding="utf-8")
    assert "api.key=***" in log and "shutting down" in log
    assert not alive(int((bin_dir / "pid").read_text()))


def test_a_scan_cut_short_by_a_deadline_is_partial_in_every_output(tmp_path: Path) -> None:
    from tests.security.zap_stub import ZapStubState

    with serve(good_site()) as site, zap_stub(ZapStubState(stall={"passive"}, alerts=[])) as stub:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="{stub.url}"', "--set", f'security.zap.api_key="{STUB_KEY}"',
            "--set", FAST_POLLS, "--set", 'security.zap.passive_scan_timeout="0.5s"',
            "--set", "security.zap.launch=\"never\"", "--out", str(tmp_path), cwd=REPO_ROOT, timeout=60,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr  # READY with a warning, never a silent pass
    result = _result(tmp_path)
    check = _check(result, "zap_scan")
    assert check["status"] == "warn"
    assert "is partial (passive scan stopped at its 0.5s deadline (7 records left unscanned))" in check["message"]
    run_dir = (tmp_path / "latest").resolve()
    sarif = json.loads((run_dir / "security.sarif").read_text(encoding="utf-8"))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("partial" in note["message"]["text"] and note["level"] == "warning" for note in notes)
    assert "partial" in (run_dir / "report.html").read_text(encoding="utf-8")


def test_a_real_wapiti_scan_finds_the_planted_flaws_and_every_output_names_the_engine(tmp_path: Path) -> None:
    from tests.security.vulnerable_app import vulnerable_app

    modules = '["http_headers", "csp", "xss", "sql", "redirect"]'
    with vulnerable_app() as app:
        proc = run_golive(
            "run", "--target", app.url, "--suite", "security", "--set", 'security.mode="full"',
            "--set", 'security.engine="wapiti"', "--set", f"security.wapiti.modules={modules}",
            "--out", str(tmp_path), cwd=REPO_ROOT, timeout=180,
        )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    result = _result(tmp_path)
    check = _check(result, "wapiti_scan")
    assert check["status"] == "pass" and check["message"].startswith(f"Wapiti 3.0.4 full scan of {app.url}")
    high = _check(result, "severity_high")
    assert high["status"] == "fail"
    for label in ("Cross Site Scripting [wapiti:xss]", "SQL Injection [wapiti:sql]", "Open Redirect [wapiti:redirect]"):
        assert label in high["message"]
    run_dir = (tmp_path / "latest").resolve()
    sarif = json.loads((run_dir / "security.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    notes = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert any(note.startswith(f"Scanned with Wapiti 3.0.4 full scan of {app.url}") for note in notes)
    xss = next(r for r in results if r["ruleId"] == "wapiti:xss")
    assert xss["level"] == "error" and xss["properties"]["param"] == "q"
    junit = (run_dir / "junit.xml").read_text(encoding="utf-8")
    assert 'name="wapiti_scan"' in junit and "Wapiti 3.0.4 full scan" in junit
    assert "Wapiti 3.0.4" in (run_dir / "report.html").read_text(encoding="utf-8")
    artifacts = run_dir / "artifacts" / "security"
    assert {"wapiti_scan.json", "wapiti_report.json", "wapiti.log"} <= {p.name for p in artifacts.iterdir()}

    # Re-judged without the app: the open redirect ruled WARN, the XSS waived; the SQL injection still fails.
    rules = tmp_path / "rules.tsv"
    rules.write_text("wapiti:redirect\tWARN\tOpen Redirect\n", encoding="utf-8")
    waiver = '[{rule="wapiti:xss", url="*/search", reason="fix in review", expires=2099-01-01}]'
    again = run_golive(
        "evaluate", str(run_dir), "--set", f'security.rules_file="{rules}"', "--set", f"waivers={waiver}",
        cwd=REPO_ROOT, timeout=60,
    )  # fmt: skip
    assert again.returncode == 1, again.stdout + again.stderr
    high = _check(_result(tmp_path), "severity_high")
    assert high["message"] == "1 open high finding (SQL Injection [wapiti:sql]) > 0 allowed; 1 waived"


def test_engine_wapiti_without_wapiti_is_inconclusive_saying_how_to_install_it(tmp_path: Path) -> None:
    nothing = tmp_path / "empty-bin"
    nothing.mkdir()
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security", "--set", 'security.engine="wapiti"',
            "--out", str(tmp_path / "out"), cwd=REPO_ROOT, timeout=60, env={"PATH": str(nothing)},
        )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    check = _check(_result(tmp_path / "out"), "wapiti_scan")
    assert check["status"] == "error"
    assert check["message"].startswith(
        "Wapiti not found: no 'wapiti' on PATH; install it with `apt-get install wapiti` (Debian, Ubuntu), "
        "or `pipx install wapiti3` (a virtual environment of its own)"
    )


def test_an_openapi_file_that_cannot_be_used_stops_the_run_before_anything_is_sent(tmp_path: Path) -> None:
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security", "--set", 'security.openapi="no-such-api.json"',
            "--out", str(tmp_path), cwd=tmp_path, timeout=60,
        )  # fmt: skip
        requests = list(site.requests)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "security.openapi 'no-such-api.json' could not be read" in proc.stderr
    assert requests == []
