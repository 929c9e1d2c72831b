"""ZAP's traditional reports as the stub serves them under ``/OTHER/``: the JSON report and a small HTML one."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from tests.security.zap_scan import ZapStubState


def json_report(state: ZapStubState) -> dict[str, Any]:
    """ZAP's traditional JSON report (core/other/jsonreport): alerts grouped by site, instances per alert."""
    grouped: dict[str, dict[str, Any]] = {}
    for item in state.visible_alerts():
        entry = grouped.setdefault(
            item["pluginId"],
            {
                "pluginid": item["pluginId"],
                "alertRef": item["alertRef"],
                "alert": item["alert"],
                "name": item["name"],
                "riskcode": item["riskcode"],
                "confidence": "2",
                "riskdesc": f"{item['risk']} ({item['confidence']})",
                "desc": f"<p>{html.escape(item['description'])}</p>",
                "instances": [],
                "solution": f"<p>{html.escape(item['solution'])}</p>",
                "reference": f"<p>{item['reference']}</p>",
                "cweid": item["cweid"],
                "wascid": item["wascid"],
                "sourceid": item["sourceid"],
            },
        )
        entry["instances"].append(
            {
                "uri": item["url"],
                "method": item["method"],
                "param": item["param"],
                "attack": "",
                "evidence": item["evidence"],
            }
        )
    for entry in grouped.values():
        entry["count"] = str(len(entry["instances"]))
    parts = urlsplit(state.target)
    site = {
        "@name": state.target,
        "@host": parts.hostname or "",
        "@port": str(parts.port or 80),
        "@ssl": str(parts.scheme == "https").lower(),
        "alerts": list(grouped.values()),
    }
    return {"@programName": "ZAP", "@version": state.version, "@generated": "Thu, 26 Nov 2026 10:15:00", "site": [site]}


def html_report(state: ZapStubState) -> str:
    """A small stand-in for ZAP's traditional HTML report (core/other/htmlreport)."""
    rows = "".join(
        f"<tr><td>{html.escape(a['alert'])}</td><td>{a['risk']}</td><td>{html.escape(a['url'])}</td></tr>"
        for a in state.visible_alerts()
    )
    return (
        f"<!DOCTYPE html><html><head><title>ZAP Scanning Report</title></head><body><table>{rows}</table></body></html>"
    )
