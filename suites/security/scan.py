"""Choose the scan engine (`security.engine`) and run it: ZAP through its API, or Wapiti as a subprocess.

`auto` uses ZAP when it answers or can be launched (as `security.zap.launch` says), otherwise Wapiti when it is
installed; with neither, the record says what was tried for both and how to get either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness.suite import Target
from suites.security.settings import SecuritySettings
from suites.security.wapiti import INSTALL_HINT, find_wapiti, run_wapiti_scan
from suites.security.zap import run_zap_scan

ZAP_ARTIFACT = "zap_alerts.json"
WAPITI_ARTIFACT = "wapiti_scan.json"
# The scan record's file, newest engine first: evaluate reads the first one present.
SCAN_ARTIFACTS = (WAPITI_ARTIFACT, ZAP_ARTIFACT)
# ZAP failures after which `auto` tries Wapiti: nothing answered and nothing could be started.
_ZAP_ABSENT = ("unreachable", "launch_failed")
SaveArtifact = Callable[[str, str], object]


def run_scan(
    target: Target,
    settings: SecuritySettings,
    progress: Callable[[str], None],
    save: SaveArtifact,
    ignored_zap_rules: Sequence[str] = (),
    ignored_wapiti_modules: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """Scan with the configured engine; return the artifact name and the record to save under it."""
    env = os.environ if environ is None else environ

    def wapiti() -> dict[str, Any]:
        return run_wapiti_scan(
            target, settings.wapiti, settings.mode, progress, save, ignored_wapiti_modules, env, settings.openapi
        )

    if settings.engine == "wapiti":
        return WAPITI_ARTIFACT, wapiti()
    progress(f"connecting to ZAP at {settings.zap.api_url}")
    zap = run_zap_scan(target, settings.zap, settings.mode, progress, save, ignored_zap_rules, env, settings.openapi)
    if settings.engine == "zap" or zap.get("error_kind") not in _ZAP_ABSENT:
        return ZAP_ARTIFACT, zap
    if find_wapiti(settings.wapiti.executable, env) is None:
        return ZAP_ARTIFACT, {
            "engine": "none",
            "target": target.url,
            "error": f"{zap['error']}; and Wapiti is not installed (no {settings.wapiti.executable!r} on PATH)",
            "error_kind": "no_engine",
            "hint": "; ".join(part for part in (zap.get("hint"), f"for Wapiti, {INSTALL_HINT}") if part),
            "zap": zap,
        }
    progress(f"{zap['error']}: scanning with Wapiti instead")
    record = wapiti()
    if zap.get("error_kind") == "unreachable":
        record["chosen_because"] = f"no ZAP answered at {settings.zap.api_url} and none could be launched"
    else:
        record["chosen_because"] = "the ZAP that golive launched did not start"
    record["zap_error"] = zap["error"]
    return WAPITI_ARTIFACT, record
