"""Alert fixtures for the stub ZAP: alerts shaped as ZAP's core/view/alerts returns them (every value a string)."""

from __future__ import annotations

from typing import Any


def alert(
    plugin_id: str, name: str, risk: str, path: str = "/", param: str = "", confidence: str = "Medium", **extra: str
) -> dict[str, Any]:
    """An alert as core/view/alerts returns it; ``{target}`` in the URL is replaced by the scanned target."""
    riskcode = {"High": "3", "Medium": "2", "Low": "1", "Informational": "0"}[risk]
    data: dict[str, Any] = {
        "sourceid": "3",
        "other": "",
        "method": "GET",
        "evidence": extra.pop("evidence", ""),
        "pluginId": plugin_id,
        "cweid": extra.pop("cweid", "693"),
        "confidence": confidence,
        "wascid": "15",
        "description": extra.pop("description", f"{name} (description)"),
        "messageId": "1",
        "inputVector": "",
        "url": "{target}" + path,
        "tags": {"OWASP_2021_A05": "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/"},
        "reference": "https://www.zaproxy.org/docs/alerts/" + plugin_id + "/",
        "solution": extra.pop("solution", f"Fix {name}."),
        "alert": name,
        "param": param,
        "attack": "",
        "name": name,
        "risk": risk,
        "riskcode": riskcode,
        "id": "0",
        "alertRef": f"{plugin_id}-1",
    }
    data.update(extra)
    return data


def default_alerts() -> list[dict[str, Any]]:
    """One alert of each risk, a duplicate and a false positive."""
    return [
        alert("40012", "Cross Site Scripting (Reflected)", "High", "/search?q=x", "q", evidence="<script>"),
        alert("10038", "Content Security Policy (CSP) Header Not Set", "Medium", "/"),
        alert("10038", "Content Security Policy (CSP) Header Not Set", "Medium", "/"),  # same problem again
        alert("10021", "X-Content-Type-Options Header Missing", "Low", "/", "x-content-type-options"),
        alert("10109", "Modern Web Application", "Informational", "/"),
        alert("10202", "Absence of Anti-CSRF Tokens", "Medium", "/form", confidence="False Positive"),
    ]
