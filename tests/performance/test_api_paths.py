"""The load test takes the API's GET operations from the run's OpenAPI definition (security.openapi)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.config_loader import load_config
from harness.suite import GatherError
from harness.target import Target
from suites.performance.api_paths import with_api_paths
from suites.performance.evaluate import openapi_notes
from suites.performance.settings import PerformanceSettings
from tests.support import Route, run_golive, serve

DEFINITION = {
    "openapi": "3.0.3",
    "paths": {
        "/api/items": {"get": {}},
        "/api/items/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "example": 7}]}},
        "/api/owners/{owner}": {"get": {"parameters": [{"name": "owner", "in": "path"}]}},
        "/api/logout": {"get": {}},
        "/": {"get": {}},
    },
}
URL = "http://127.0.0.1:8000"


def _plan(tmp_path: Path, *overrides: str) -> tuple[PerformanceSettings, dict[str, object]]:
    definition = tmp_path / "openapi.json"
    definition.write_text(json.dumps(DEFINITION))
    sets = [f'security.openapi="{definition}"', 'auth.logout=["/api/logout"]', *overrides]
    config = load_config(None, None, sets, URL, {}).config
    settings = config.section("performance", PerformanceSettings)
    api = with_api_paths(settings, config, Target.from_config(config))
    return api.settings, api.record


def test_get_operations_with_examples_join_the_paths_and_sign_out_links_stay_out(tmp_path: Path) -> None:
    settings, record = _plan(tmp_path)
    assert settings.paths == ["/", "/api/items", "/api/items/7"]
    assert record["added"] == ["/api/items", "/api/items/7"]
    assert record["skipped"] == ["GET /api/owners/{owner}: path parameter 'owner' has no example"]
    (added, skipped) = openapi_notes(record)
    assert "2 GET operation(s)" in added and "/api/items/7" in added
    assert skipped.startswith("1 GET operation(s) had no examples")


def test_switched_off_or_without_a_definition_the_paths_stay_as_configured(tmp_path: Path) -> None:
    settings, record = _plan(tmp_path, "performance.openapi_paths=false")
    assert settings.paths == ["/"] and record == {}
    config = load_config(None, None, [], URL, {}).config
    plain = config.section("performance", PerformanceSettings)
    assert with_api_paths(plain, config, Target.from_config(config)).settings is plain
    assert openapi_notes(None) == []


def test_a_definition_that_cannot_be_read_stops_the_load_test_naming_the_way_out(tmp_path: Path) -> None:
    config = load_config(None, None, [f'security.openapi="{tmp_path / "missing.json"}"'], URL, {}).config
    settings = config.section("performance", PerformanceSettings)
    with pytest.raises(GatherError, match=r"could not be read.*performance\.openapi_paths = false"):
        with_api_paths(settings, config, Target.from_config(config))


@pytest.mark.integration
def test_a_real_load_test_requests_the_apis_operations(tmp_path: Path) -> None:
    definition = tmp_path / "openapi.json"
    definition.write_text(json.dumps(DEFINITION))
    json_route = Route('{"ok": true}', headers={"Content-Type": "application/json"})
    routes = {"/": Route("home"), "/api/items": json_route, "/api/items/7": json_route, "/api/logout": Route("bye")}
    with serve(routes) as server:
        completed = run_golive(
            "run", "--target", server.url, "--suite", "performance", "--out", str(tmp_path / "out"),
            "--set", 'performance.duration="3s"', "--set", "performance.users=3",
            "--set", f'security.openapi="{definition}"', "--set", 'auth.logout=["/api/logout"]',
            cwd=tmp_path,
        )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    requested = {path for _, path in server.requests}
    assert {"/", "/api/items", "/api/items/7"} <= requested
    assert "/api/logout" not in requested
    result = json.loads((tmp_path / "out" / "latest" / "result.json").read_text(encoding="utf-8"))
    performance = result["suites"]["performance"]
    endpoints = {row["endpoint"] for row in performance["details"]["endpoints"]}
    assert endpoints == {"GET /", "GET /api/items", "GET /api/items/7"}
    assert any("2 GET operation(s) of the OpenAPI definition" in note for note in performance["notes"])
    assert "loading 2 GET operation(s)" in completed.stderr
