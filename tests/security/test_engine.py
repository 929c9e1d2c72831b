"""security.engine: auto picks ZAP when it answers, Wapiti when ZAP cannot be used, and says why."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.suite import Target
from suites.security.scan import WAPITI_ARTIFACT, ZAP_ARTIFACT, run_scan
from suites.security.settings import SecuritySettings
from tests.security.sites import good_site
from tests.security.zap_stub import STUB_KEY, zap_stub
from tests.support import free_port, serve

WAPITI = shutil.which("wapiti")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(WAPITI is None, reason="Debian's wapiti is not installed (make setup)"),
]


def security(api_url: str, **values: Any) -> SecuritySettings:
    """Settings with fast ZAP polls, short Wapiti limits and only Wapiti's passive modules."""
    data: dict[str, Any] = {
        "zap": {"api_url": api_url, "api_key": STUB_KEY, "poll_interval": 0.01, "connect_timeout": 2},
        "wapiti": {"max_scan_time": 20, "max_attack_time": 20},
    }
    data.update(values)
    return SecuritySettings.model_validate(data)


def only_wapiti_on_path(folder: Path) -> dict[str, str]:
    """An environment whose PATH has Wapiti and nothing else: no zap.sh, no docker."""
    folder.mkdir()
    assert WAPITI is not None
    (folder / "wapiti").symlink_to(WAPITI)
    return {**os.environ, "PATH": str(folder), "ZAP_HOME": ""}


def test_auto_uses_zap_when_it_answers_even_with_wapiti_installed() -> None:
    with serve(good_site()) as site, zap_stub() as stub:
        name, record = run_scan(Target(site.url), security(stub.url), lambda m: None, lambda n, t: None)
    assert (name, record["engine"], record["error"]) == (ZAP_ARTIFACT, "zap", None)


def test_auto_falls_back_to_wapiti_when_no_zap_answers_or_can_be_started(tmp_path: Path) -> None:
    api_url = f"http://127.0.0.1:{free_port()}"
    with serve(good_site()) as site:
        name, record = run_scan(
            Target(site.url), security(api_url), lambda m: None, lambda n, t: None,
            environ=only_wapiti_on_path(tmp_path / "bin"),
        )  # fmt: skip
    assert (name, record["engine"], record["error"]) == (WAPITI_ARTIFACT, "wapiti", None)
    assert record["chosen_because"] == f"no ZAP answered at {api_url} and none could be launched"
    assert record["zap_error"].startswith(f"ZAP not reachable at {api_url}: connection refused")
    assert record["urls_found"] >= 1


def test_engine_wapiti_never_talks_to_zap() -> None:
    with serve(good_site()) as site, zap_stub() as stub:
        name, record = run_scan(
            Target(site.url), security(stub.url, engine="wapiti"), lambda m: None, lambda n, t: None
        )
        calls = list(stub.state.calls)
    assert (name, record["engine"]) == (WAPITI_ARTIFACT, "wapiti")
    assert calls == []


def test_engine_zap_never_falls_back() -> None:
    api_url = f"http://127.0.0.1:{free_port()}"
    settings = security(api_url, engine="zap", zap={"api_url": api_url, "launch": "never"})
    name, record = run_scan(Target("http://127.0.0.1:9/"), settings, lambda m: None, lambda n, t: None)
    assert (name, record["engine"], record["error_kind"]) == (ZAP_ARTIFACT, "zap", "unreachable")
