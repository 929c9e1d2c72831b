"""A baseline scan with a real ZAP, where one answers or golive can start one; skipped (with the reason) elsewhere.

Start one with e.g. ``zap.sh -daemon -port 8090 -config api.key=$ZAP_API_KEY`` on this machine (a ZAP in
docker cannot reach the test site on the host's 127.0.0.1) and set ZAP_API_URL / ZAP_API_KEY if they differ; or
put ``zap.sh`` on PATH (or set ZAP_HOME) and golive launches one itself for the second test.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from suites.security.zap_launch import find_zap_script
from tests.security.sites import good_site
from tests.support import REPO_ROOT, free_port, run_golive, serve

pytestmark = pytest.mark.integration
API_URL = os.environ.get("ZAP_API_URL", "http://127.0.0.1:8090")
API_KEY = os.environ.get("ZAP_API_KEY", "")


def _zap_answers() -> str | None:
    """None when a ZAP answers at API_URL; otherwise why not."""
    request = urllib.request.Request(API_URL.rstrip("/") + "/JSON/core/view/version/")
    if API_KEY:
        request.add_header("X-ZAP-API-Key", API_KEY)
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            json.loads(response.read())["version"]
    except urllib.error.HTTPError as error:
        return f"something at {API_URL} answered HTTP {error.code} (wrong ZAP_API_KEY?)"
    except (OSError, ValueError, KeyError) as error:
        return f"no ZAP daemon answers at {API_URL} ({error}); set ZAP_API_URL/ZAP_API_KEY to run this test"
    return None


def test_a_real_zap_baseline_scan(tmp_path: Path) -> None:
    reason = _zap_answers()
    if reason is not None:
        pytest.skip(reason)
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security",
            "--set", f'security.zap.api_url="{API_URL}"', "--set", 'security.zap.api_key="${ZAP_API_KEY}"',
            "--set", "security.zap.spider_max_duration=60", "--out", str(tmp_path), cwd=REPO_ROOT, timeout=600,
            env={"ZAP_API_KEY": API_KEY},
        )  # fmt: skip
    result = json.loads((tmp_path / "latest" / "result.json").read_text(encoding="utf-8"))
    security = result["suites"]["security"]
    zap_check = next(check for check in security["checks"] if check["id"] == "zap_scan")
    assert zap_check["status"] == "pass", zap_check["message"]
    assert security["metrics"]["engine"] == "zap"
    assert security["metrics"]["urls_scanned"] >= 1
    assert proc.returncode in (0, 1)


def test_a_real_zap_launched_by_golive(tmp_path: Path) -> None:
    script = find_zap_script(os.environ)
    if script is None:
        pytest.skip("no zap.sh in ZAP_HOME or on PATH, so golive cannot launch a real ZAP here")
    with serve(good_site()) as site:
        proc = run_golive(
            "run", "--target", site.url, "--suite", "security", "--set", 'security.zap.launch="local"',
            "--set", f'security.zap.api_url="http://127.0.0.1:{free_port()}"',
            "--set", "security.zap.spider_max_duration=60", "--out", str(tmp_path), cwd=REPO_ROOT, timeout=900,
        )  # fmt: skip
    result = json.loads((tmp_path / "latest" / "result.json").read_text(encoding="utf-8"))
    security = result["suites"]["security"]
    zap_check = next(check for check in security["checks"] if check["id"] == "zap_scan")
    assert zap_check["status"] in ("pass", "warn"), zap_check["message"]
    assert security["metrics"]["zap_launched"] == "local"
    artifacts = (tmp_path / "latest").resolve() / "artifacts" / "security"
    assert (artifacts / "zap.log").is_file() and (artifacts / "zap_report.json").is_file()
    assert proc.returncode in (0, 1)
