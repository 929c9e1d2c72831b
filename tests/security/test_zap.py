"""The ZAP driver with the real zapv2 client against the stub ZAP API over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.settings import GoliveConfig
from harness.suite import Target
from suites.security.evaluate import evaluate_security
from suites.security.settings import ZapSettings
from suites.security.zap import ALERTS_PAGE_SIZE, HTML_REPORT, JSON_REPORT, run_zap_scan
from tests.security.zap_stub import STUB_KEY, ZapStubState, alert, zap_stub
from tests.support import free_port

pytestmark = pytest.mark.integration
Build = Callable[..., GoliveConfig]
TARGET = Target("http://127.0.0.1:8000", headers={"Authorization": "Bearer zap-header-secret"})


def settings(api_url: str, **overrides: object) -> ZapSettings:
    """Stub-friendly settings: fast polls, short deadlines, and no launching (that is test_launch's subject)."""
    values: dict[str, object] = {
        "api_url": api_url,
        "api_key": STUB_KEY,
        "poll_interval": 0.01,
        "connect_timeout": 2,
        "launch": "never",
    }
    values.update(overrides)
    return ZapSettings.model_validate(values)


def test_a_baseline_scan_spiders_waits_for_the_passive_scan_and_pages_the_alerts() -> None:
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda message: None)
        names = stub.state.names()
        calls = stub.state.calls
        rules_left = dict(stub.state.replacer_rules)
    assert record["reachable"] is True and record["error"] is None
    assert record["zap_version"] == "2.16.0"
    assert record["spider"]["completed"] is True and record["spider"]["urls_found"] == 3
    assert record["passive_scan"] == {
        "completed": True,
        "records_left": 0,
        "duration_s": record["passive_scan"]["duration_s"],
    }
    assert len(record["alerts"]) == 6
    assert names.count("spider/view/status") == 3  # progress took several polls
    assert names.count("pscan/view/recordsToScan") == 3
    assert names[0] == "core/view/version"
    # Proxy-style requests to the magic host "zap", the key in a header and never in the query string.
    assert all(call["proxy_style"] and call["host"] == "zap" and call["key_header"] for call in calls)
    assert all("apikey" not in call["params"] for call in calls)
    assert calls[names.index("core/view/alerts")]["params"] == {
        "baseurl": TARGET.url,
        "start": "0",
        "count": str(ALERTS_PAGE_SIZE),
    }
    # The target's header was handed to ZAP for its own requests, then removed again; only its name is saved.
    assert "replacer/action/addRule" in names and rules_left == {}
    assert record["headers_sent"] == ["Authorization"]
    assert "zap-header-secret" not in json.dumps(record)


def test_alerts_are_paged_until_a_short_page() -> None:
    many = [
        alert("10021", "X-Content-Type-Options Header Missing", "Low", f"/p{n}") for n in range(ALERTS_PAGE_SIZE + 7)
    ]
    with zap_stub(ZapStubState(alerts=many)) as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda message: None)
        starts = [call["params"]["start"] for call in stub.state.calls if call["operation"] == "core/view/alerts"]
    assert starts == ["0", str(ALERTS_PAGE_SIZE)]
    assert len(record["alerts"]) == ALERTS_PAGE_SIZE + 7


def test_an_unreachable_zap_is_recorded_with_where_golive_looked_and_how_to_start_zap() -> None:
    api_url = f"http://127.0.0.1:{free_port()}"
    record = run_zap_scan(TARGET, settings(api_url), "baseline", lambda message: None)
    assert record["reachable"] is False
    assert record["error"] == f"ZAP not reachable at {api_url}: connection refused"
    assert "docker run" in record["hint"] and "zap.sh -daemon" in record["hint"]
    assert STUB_KEY not in json.dumps(record)


def test_a_wrong_api_key_is_said_plainly() -> None:
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url, api_key="not-the-key"), "baseline", lambda message: None)
    assert record["error_kind"] == "bad_key"
    assert record["error"].startswith(f"ZAP at {stub.url} rejected the API key (bad_api_key")
    assert "not-the-key" not in record["error"]


def test_a_missing_api_key_is_said_plainly() -> None:
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url, api_key=""), "baseline", lambda message: None)
    assert record["error_kind"] == "bad_key"
    assert "requires an API key and none is set" in record["error"]


def test_a_zap_that_does_not_answer_in_time_is_an_error_not_a_hang() -> None:
    with zap_stub(ZapStubState(version_delay=3)) as stub:
        began = time.monotonic()
        record = run_zap_scan(TARGET, settings(stub.url, connect_timeout=0.5), "baseline", lambda message: None)
        elapsed = time.monotonic() - began
    assert elapsed < 2.5
    assert record["error_kind"] == "timeout"
    assert record["error"] == f"ZAP at {stub.url} did not answer core.version within 0.5s"


def test_something_else_listening_is_not_mistaken_for_zap() -> None:
    from tests.support import Route, serve

    with serve({}, default=Route("<html>not zap</html>", 404)) as other:
        record = run_zap_scan(TARGET, settings(other.url), "baseline", lambda message: None)
    assert record["error_kind"] == "not_zap"
    assert f"something answers at {other.url}" in record["error"]


def test_full_mode_runs_the_active_scan_on_loopback() -> None:
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "full", lambda message: None)
        names = stub.state.names()
    assert record["active_scan"]["completed"] is True
    assert names.count("ascan/view/status") == 2
    assert names.index("ascan/action/scan") < names.index("core/view/alerts")


def test_a_phase_that_reaches_its_deadline_is_stopped_and_the_scan_marked_partial() -> None:
    with zap_stub(ZapStubState(stall={"spider", "passive"})) as stub:
        began = time.monotonic()
        record = run_zap_scan(
            TARGET,
            settings(stub.url, spider_max_duration=0.3, passive_scan_timeout=0.3),
            "baseline",
            lambda message: None,
        )
        elapsed = time.monotonic() - began
        names = stub.state.names()
    assert elapsed < 5
    assert record["error"] is None
    assert record["spider"]["completed"] is False and "spider/action/stop" in names
    assert record["passive_scan"]["completed"] is False and "pscan/action/clearQueue" in names
    assert record["partial"] == [
        "spider stopped at its 0.3s deadline (42 %, 3 URLs found)",
        "passive scan stopped at its 0.3s deadline (7 records left unscanned)",
    ]
    assert len(record["alerts"]) == 6  # what was found before the deadline is still reported


def test_the_active_scan_stops_at_its_deadline() -> None:
    with zap_stub(ZapStubState(stall={"active"})) as stub:
        record = run_zap_scan(TARGET, settings(stub.url, active_scan_timeout=0.2), "full", lambda message: None)
        names = stub.state.names()
    assert "ascan/action/stop" in names
    assert record["partial"] == ["active scan stopped at its 0.2s deadline (at 30 %)"]


def test_the_ajax_spider_runs_when_asked_and_takes_several_polls() -> None:
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url, ajax_spider=True), "baseline", lambda message: None)
        names = stub.state.names()
    assert record["ajax_spider"]["completed"] is True and record["ajax_spider"]["results"] == 2
    assert names.count("ajaxSpider/view/status") >= 2
    assert names.index("spider/view/results") < names.index("ajaxSpider/action/scan") < names.index("core/view/alerts")
    assert record["partial"] == []


def test_a_stalled_ajax_spider_is_stopped_at_its_deadline() -> None:
    with zap_stub(ZapStubState(stall={"ajax"})) as stub:
        record = run_zap_scan(
            TARGET, settings(stub.url, ajax_spider=True, ajax_spider_max_duration=0.2), "baseline", lambda m: None
        )
        names = stub.state.names()
    assert "ajaxSpider/action/stop" in names
    assert record["partial"] == ["AJAX spider stopped at its 0.2s deadline (2 resources found)"]


def test_a_dropped_connection_is_a_clear_error_not_a_traceback() -> None:
    with zap_stub(ZapStubState(drop={"spider/view/status"})) as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda message: None)
        rules_left = dict(stub.state.replacer_rules)
    assert record["error_kind"] == "dropped"
    assert record["error"] == (
        f"ZAP at {stub.url} dropped the connection during spider.status without answering "
        "(it may have crashed or run out of memory; see its log)"
    )
    assert "Traceback" not in record["error"]
    assert rules_left == {}  # the target's header was still removed from ZAP afterwards


def test_ignored_rules_are_switched_off_in_a_scan_policy_of_golives_own() -> None:
    state = ZapStubState()
    with zap_stub(state) as stub:
        record = run_zap_scan(
            TARGET, settings(stub.url), "full", lambda message: None, ignored_rules=["40018", "10096"]
        )
    (added,) = state.params_of("ascan/action/addScanPolicy")
    policy = added["scanPolicyName"]
    assert policy.startswith("golive-")
    assert state.params_of("ascan/action/setScannerAlertThreshold")[0] == {
        "id": "40018",
        "alertThreshold": "OFF",
        "scanPolicyName": policy,
    }
    assert state.params_of("ascan/action/scan")[0]["scanPolicyName"] == policy
    assert state.policies == {}  # removed afterwards: a shared ZAP is left as golive found it
    assert record["scan_policy"] == {"name": policy, "rules_off": ["40018"], "not_active_rules": ["10096"]}


def test_zaps_own_reports_are_saved() -> None:
    saved: dict[str, str] = {}
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda m: None, save=saved.__setitem__)
    assert record["reports"] == {"files": [JSON_REPORT, HTML_REPORT]}
    report = json.loads(saved[JSON_REPORT])
    assert report["@programName"] == "ZAP" and report["site"][0]["@name"] == TARGET.url
    assert "Cross Site Scripting (Reflected)" in saved[HTML_REPORT]


def test_a_new_session_comes_first_so_a_stale_alert_never_reaches_the_verdict(make_config: Build) -> None:
    stale = alert("40018", "SQL Injection", "High", "/old", "id")
    with zap_stub(ZapStubState(stale_alerts=[stale])) as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda message: None)
        names = stub.state.names()
    assert names.index("core/action/newSession") < names.index("spider/action/scan")
    assert record["session"] == {"new": True}
    assert "40018" not in {a["pluginId"] for a in record["alerts"]}
    result = evaluate_security(None, record, make_config().security, [], dt.date(2026, 11, 26))
    assert "40018" not in {finding.rule for finding in result.findings}


def test_a_shared_session_keeps_earlier_alerts_and_the_report_says_so(make_config: Build) -> None:
    stale = alert("40018", "SQL Injection", "High", "/old", "id")
    with zap_stub(ZapStubState(stale_alerts=[stale])) as stub:
        record = run_zap_scan(TARGET, settings(stub.url, new_session=False), "baseline", lambda message: None)
        names = stub.state.names()
    assert "core/action/newSession" not in names
    result = evaluate_security(None, record, make_config().security, [], dt.date(2026, 11, 26))
    assert "40018" in {finding.rule for finding in result.findings}
    assert any(note.startswith("ZAP's session was shared (security.zap.new_session = false)") for note in result.notes)
    assert result.metrics["zap_session"] == "shared"


def test_an_openapi_url_is_imported_with_the_target_as_host_override() -> None:
    state = ZapStubState(openapi_paths=["/v1/licences", "/v1/licences/42"], openapi_warnings=["Skipped GET /x"])
    with zap_stub(state) as stub:
        record = run_zap_scan(
            TARGET, settings(stub.url), "full", lambda m: None, openapi="http://127.0.0.1:8000/openapi.json"
        )
        names = stub.state.names()
    # The parameters are the ones ZAP's API documentation lists (the stub refuses any other).
    assert state.params_of("openapi/action/importUrl") == [
        {"url": "http://127.0.0.1:8000/openapi.json", "hostOverride": TARGET.url}
    ]
    assert (
        names.index("openapi/action/importUrl") < names.index("spider/action/scan") < names.index("ascan/action/scan")
    )
    assert record["error"] is None
    assert record["openapi"] == {
        "definition": "http://127.0.0.1:8000/openapi.json",
        "imported": True,
        "warnings": ["Skipped GET /x"],
    }
    assert TARGET.url + "/v1/licences/42" in record["spider"]["urls"]


def test_an_openapi_file_is_imported_by_its_absolute_path_with_the_target(tmp_path: Path) -> None:
    definition = tmp_path / "openapi.json"
    definition.write_text('{"openapi": "3.0.3", "paths": {}}', encoding="utf-8")
    with zap_stub() as stub:
        record = run_zap_scan(TARGET, settings(stub.url), "baseline", lambda m: None, openapi=str(definition))
        params = stub.state.params_of("openapi/action/importFile")
    assert params == [{"file": str(definition.resolve()), "target": TARGET.url}]
    assert record["openapi"]["warnings"] == []


def test_calls_outside_zaps_documented_parameters_are_refused_by_the_stand_in() -> None:
    # The guard the two tests above rely on: the stand-in fails a call as ZAP's API documentation would.
    from tests.security.zap_scan import ApiError, check_documented

    with pytest.raises(ApiError, match="Missing Parameter"):
        check_documented("openapi/action/importUrl", {"hostOverride": "x"})
    with pytest.raises(ApiError, match="Illegal Parameter"):
        check_documented("openapi/action/importFile", {"file": "a", "host": "b"})
