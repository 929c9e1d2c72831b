"""A baseline scan with a real ZAP daemon, where one answers; skipped (with the reason) everywhere else.

Start one with e.g. ``zap.sh -daemon -port 8090 -config api.key=$ZAP_API_KEY`` on this machine (a ZAP in
docker cannot reach the test site on the host's 127.0.0.1) and set ZAP_API_URL / ZAP_API_KEY if they differ.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.security.sites import good_site
from tests.support import REPO_ROOT, run_golive, serve

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
