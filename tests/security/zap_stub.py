"""A stub of OWASP ZAP's JSON API, served over real HTTP on 127.0.0.1, for the real `zapv2` client.

It answers the way ZAP does: the client sends proxy-style requests (``GET http://zap/JSON/core/view/version/``
with the absolute URL in the request line) to the configured proxy address, with the key in the
``X-ZAP-API-Key`` header; every value in an answer is a string; errors are HTTP 400 with
``{"code": "...", "message": "..."}`` (``bad_api_key`` for a wrong or missing key). Spider and passive-scan
progress take several polls, and alerts are paged with ``start``/``count``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

STUB_KEY = "stub-zap-key-0123"


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


@dataclass
class ZapStubState:
    """What the stub ZAP knows and has been asked; tests read `calls` to see what the client sent."""

    api_key: str | None = STUB_KEY
    version: str = "2.16.0"
    spider_polls: int = 3
    spider_paths: list[str] = field(default_factory=lambda: ["/", "/about", "/search?q=x"])
    passive_polls: int = 2
    alerts: list[dict[str, Any]] = field(default_factory=default_alerts)
    # Seconds to wait before answering core.version (to exercise golive's connect deadline).
    version_delay: float = 0.0
    calls: list[dict[str, Any]] = field(default_factory=list)
    target: str = ""
    replacer_rules: dict[str, str] = field(default_factory=dict)
    _spider_progress: int = 0
    _passive_left: int = -1
    _active_progress: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def names(self) -> list[str]:
        """The API operations called, in order (e.g. ``spider/view/status``)."""
        return [call["operation"] for call in self.calls]


def _ok() -> dict[str, Any]:
    return {"Result": "OK"}


class _ApiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _require(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise _ApiError("missing_parameter", f"Missing Parameter ({name})")
    return params[name]


def _answer(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any]:
    """The JSON body for one API operation, mutating the stub's scan state like ZAP would."""
    with state.lock:
        if operation == "core/view/version":
            return {"version": state.version}
        if operation == "core/action/accessUrl":
            state.target = _require(params, "url").rstrip("/")
            return {"accessUrl": [{"id": "1", "requestHeader": f"GET {state.target}/ HTTP/1.1"}]}
        if operation == "spider/action/setOptionMaxDuration":
            int(_require(params, "Integer"))
            return _ok()
        if operation == "spider/action/scan":
            state.target = state.target or _require(params, "url").rstrip("/")
            state._spider_progress = 0
            return {"scan": "0"}
        if operation == "spider/view/status":
            step = 100 // max(1, state.spider_polls)
            state._spider_progress = min(
                100, state._spider_progress + step + (1 if step * state.spider_polls < 100 else 0)
            )
            if state._passive_left < 0:
                state._passive_left = state.passive_polls
            return {"status": str(state._spider_progress)}
        if operation == "spider/view/results":
            return {"results": [state.target + path for path in state.spider_paths]}
        if operation in ("spider/action/stop", "ascan/action/stop"):
            return _ok()
        if operation == "pscan/view/recordsToScan":
            left = max(0, state._passive_left)
            state._passive_left = max(0, left - 1)
            return {"recordsToScan": str(left)}
        if operation == "core/view/alerts":
            base = params.get("baseurl", "")
            everything = [
                {
                    key: (value.replace("{target}", state.target) if isinstance(value, str) else value)
                    for key, value in a.items()
                }
                for a in state.alerts
            ]
            matching = [a for a in everything if a["url"].startswith(base)]
            start = int(params.get("start") or 0)
            count = int(params.get("count") or 0)
            page = matching[start : start + count] if count > 0 else matching[start:]
            return {"alerts": page}
        if operation == "replacer/action/addRule":
            state.replacer_rules[_require(params, "description")] = _require(params, "matchString")
            return _ok()
        if operation == "replacer/action/removeRule":
            state.replacer_rules.pop(_require(params, "description"), None)
            return _ok()
        if operation == "ascan/action/scan":
            state._active_progress = 0
            return {"scan": "0"}
        if operation == "ascan/view/status":
            state._active_progress = min(100, state._active_progress + 50)
            return {"status": str(state._active_progress)}
    kind = operation.split("/")[1] if operation.count("/") == 2 else "view"
    raise _ApiError(f"bad_{kind}", f"Bad {kind.title()}")


@dataclass(frozen=True)
class RunningStub:
    """A running stub: the address to configure as security.zap.api_url, and its state."""

    url: str
    state: ZapStubState


@contextmanager
def zap_stub(state: ZapStubState | None = None) -> Iterator[RunningStub]:
    """Serve the stub ZAP API on a free loopback port; stop it afterwards."""
    stub_state = state or ZapStubState()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)  # absolute (proxy-style) or relative (direct) request line
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            segments = [segment for segment in parts.path.split("/") if segment]
            key = self.headers.get("X-ZAP-API-Key") or params.pop("apikey", None)
            operation = "/".join(segments[1:4])
            stub_state.calls.append(
                {
                    "operation": operation,
                    "params": params,
                    "host": parts.hostname,
                    "proxy_style": bool(parts.scheme),
                    "key_header": self.headers.get("X-ZAP-API-Key") is not None,
                }
            )
            if len(segments) < 4 or segments[0] != "JSON":
                self._send(400, {"code": "bad_format", "message": "Bad Format"})
                return
            if stub_state.api_key is not None and key != stub_state.api_key:
                self._send(400, {"code": "bad_api_key", "message": "Provided API key is incorrect or is missing"})
                return
            if operation == "core/view/version" and stub_state.version_delay:
                time.sleep(stub_state.version_delay)
            try:
                self._send(200, _answer(stub_state, operation, params))
            except _ApiError as error:
                self._send(400, {"code": error.code, "message": error.message})

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningStub(f"http://127.0.0.1:{server.server_address[1]}", stub_state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
