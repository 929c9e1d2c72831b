"""A stub of OWASP ZAP's JSON API, served over real HTTP on 127.0.0.1, for the real `zapv2` client.

It answers the way ZAP does: the client sends proxy-style requests (``GET http://zap/JSON/core/view/version/``
with the absolute URL in the request line) to the configured proxy address, with the key in the
``X-ZAP-API-Key`` header; every value in an answer is a string; errors are HTTP 400 with
``{"code": "...", "message": "..."}`` (``bad_api_key`` for a wrong or missing key). Spider, AJAX spider,
passive and active scan progress take several polls; a phase can be made to stall (to trip golive's deadlines);
an operation can drop the connection without answering; alerts are paged with ``start``/``count``; the
traditional JSON and HTML reports are served under ``/OTHER/``. ``core.newSession`` drops alerts left by an
earlier scan (``stale_alerts``); ``openapi.importUrl`` / ``importFile`` add the definition's paths to the sites
tree. Calls to operations in ``DOCUMENTED_PARAMS`` must use the parameters ZAP's API documentation lists.

Run as a program (``python -m tests.security.zap_stub -daemon -host 127.0.0.1 -port N -config api.key=K``) it
stands in for ``zap.sh`` in the launcher's tests: it listens where it is told, logs to stdout like ZAP, and exits on
``core/action/shutdown``. Environment knobs for those tests: ``ZAP_STUB_START_DELAY`` (seconds before it listens),
``ZAP_STUB_EXIT_CODE`` (exit at once, as a ZAP that fails to start), ``ZAP_STUB_IGNORE_SHUTDOWN`` (keep running
after core/action/shutdown, so golive has to stop it by its PID) and ``ZAP_STUB_STALL`` (comma-separated phases
that never finish, so a test can kill the stub mid-scan).
"""

from __future__ import annotations

import html
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.support import serving

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


# Parameters of the operations golive calls, as ZAP's API documentation lists them (required, optional), from
# https://www.zaproxy.org/docs/api/ (core, openapi): a call with a missing required or an unknown parameter fails.
DOCUMENTED_PARAMS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "core/action/newSession": (frozenset(), frozenset({"name", "overwrite"})),
    "openapi/action/importUrl": (frozenset({"url"}), frozenset({"hostOverride", "contextId", "userId"})),
    "openapi/action/importFile": (frozenset({"file"}), frozenset({"target", "contextId", "userId"})),
}

# Rules that exist as active scan rules; asking to switch off any other id fails as in ZAP (does_not_exist).
ACTIVE_RULES = frozenset({"40012", "40014", "40018", "90019", "90020", "10104", "6"})


@dataclass
class ZapStubState:
    """What the stub ZAP knows and has been asked; tests read `calls` to see what the client sent.

    `stall` names phases that never finish ("spider", "ajax", "passive", "active") until stopped; `drop` names
    operations (``spider/view/status``) whose connection is closed without an answer.
    """

    api_key: str | None = STUB_KEY
    version: str = "2.16.0"
    spider_polls: int = 3
    spider_paths: list[str] = field(default_factory=lambda: ["/", "/about", "/search?q=x"])
    passive_polls: int = 2
    active_polls: int = 2
    ajax_polls: int = 2
    ajax_paths: list[str] = field(default_factory=lambda: ["/", "/app#/settings"])
    alerts: list[dict[str, Any]] = field(default_factory=default_alerts)
    # Alerts an earlier scan left in this ZAP's session: core.newSession drops them.
    stale_alerts: list[dict[str, Any]] = field(default_factory=list)
    # What openapi/action/importUrl and importFile answer (ZAP lists the operations it could not import).
    openapi_warnings: list[str] = field(default_factory=list)
    # Paths an OpenAPI import adds to the sites tree (and so to spider/view/results).
    openapi_paths: list[str] = field(default_factory=list)
    # Seconds to wait before answering core.version (to exercise golive's connect deadline).
    version_delay: float = 0.0
    stall: set[str] = field(default_factory=set)
    drop: set[str] = field(default_factory=set)
    calls: list[dict[str, Any]] = field(default_factory=list)
    target: str = ""
    replacer_rules: dict[str, str] = field(default_factory=dict)
    # Regexes the spider and the active scan were told to leave out (keyed "spider", "ascan").
    excluded: dict[str, list[str]] = field(default_factory=dict)
    policies: dict[str, dict[str, str]] = field(default_factory=dict)
    shutdown_requested: bool = False
    _spider_progress: int = 0
    _spider_stopped: bool = False
    _passive_left: int = -1
    _passive_cleared: bool = False
    _active_progress: int = 0
    _active_stopped: bool = False
    _ajax_polls_left: int = 0
    _ajax_stopped: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def names(self) -> list[str]:
        """The API operations called, in order (e.g. ``spider/view/status``)."""
        return [call["operation"] for call in self.calls]

    def params_of(self, operation: str) -> list[dict[str, str]]:
        """The parameters of every call of one operation, in order."""
        return [call["params"] for call in self.calls if call["operation"] == operation]

    def visible_alerts(self) -> list[dict[str, Any]]:
        """The session's alerts (stale ones first) with ``{target}`` replaced by the scanned target."""
        return [
            {
                key: (value.replace("{target}", self.target) if isinstance(value, str) else value)
                for key, value in a.items()
            }
            for a in [*self.stale_alerts, *self.alerts]
        ]


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


def _percent_step(progress: int, polls: int) -> int:
    step = 100 // max(1, polls)
    return min(100, progress + step + (1 if step * polls < 100 else 0))


def _spider(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation == "spider/action/setOptionMaxDuration":
        int(_require(params, "Integer"))
        return _ok()
    if operation == "spider/action/scan":
        state.target = state.target or _require(params, "url").rstrip("/")
        state._spider_progress, state._spider_stopped = 0, False
        return {"scan": "0"}
    if operation == "spider/view/status":
        if "spider" in state.stall:
            state._spider_progress = 42
        else:
            state._spider_progress = _percent_step(state._spider_progress, state.spider_polls)
        if state._passive_left < 0:
            state._passive_left = state.passive_polls
        return {"status": str(state._spider_progress)}
    if operation == "spider/view/results":
        return {"results": [state.target + path for path in [*state.spider_paths, *state.openapi_paths]]}
    if operation == "spider/action/stop":
        state._spider_stopped = True
        return _ok()
    return None


def _ajax(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation in ("ajaxSpider/action/setOptionMaxDuration", "ajaxSpider/action/setOptionBrowserId"):
        return _ok()
    if operation == "ajaxSpider/action/scan":
        _require(params, "url")
        state._ajax_polls_left, state._ajax_stopped = state.ajax_polls, False
        return _ok()
    if operation == "ajaxSpider/view/status":
        if state._ajax_stopped:
            return {"status": "stopped"}
        if "ajax" not in state.stall:
            state._ajax_polls_left -= 1
            if state._ajax_polls_left <= 0:
                state._ajax_stopped = True
        return {"status": "running"}
    if operation == "ajaxSpider/action/stop":
        state._ajax_stopped = True
        return _ok()
    if operation == "ajaxSpider/view/numberOfResults":
        return {"numberOfResults": str(len(state.ajax_paths))}
    return None


def _passive(state: ZapStubState, operation: str) -> dict[str, Any] | None:
    if operation == "pscan/view/recordsToScan":
        if "passive" in state.stall and not state._passive_cleared:
            return {"recordsToScan": "7"}
        left = max(0, state._passive_left)
        state._passive_left = max(0, left - 1)
        return {"recordsToScan": str(left)}
    if operation == "pscan/action/clearQueue":
        state._passive_cleared, state._passive_left = True, 0
        return _ok()
    return None


def _active(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation == "ascan/action/addScanPolicy":
        name = _require(params, "scanPolicyName")
        if name in state.policies:
            raise _ApiError("already_exists", "Already Exists")
        state.policies[name] = {}
        return _ok()
    if operation == "ascan/action/removeScanPolicy":
        if state.policies.pop(_require(params, "scanPolicyName"), None) is None:
            raise _ApiError("does_not_exist", "Does Not Exist")
        return _ok()
    if operation == "ascan/action/setScannerAlertThreshold":
        policy = state.policies.get(params.get("scanPolicyName", ""))
        rule = _require(params, "id")
        if policy is None or rule not in ACTIVE_RULES:
            raise _ApiError("does_not_exist", "Does Not Exist")
        policy[rule] = _require(params, "alertThreshold")
        return _ok()
    if operation == "ascan/action/scan":
        chosen = params.get("scanPolicyName")
        if chosen is not None and chosen not in state.policies:
            raise _ApiError("does_not_exist", "Does Not Exist")
        state._active_progress, state._active_stopped = 0, False
        return {"scan": "0"}
    if operation == "ascan/view/status":
        if "active" in state.stall:
            state._active_progress = 30
        else:
            state._active_progress = _percent_step(state._active_progress, state.active_polls)
        return {"status": str(state._active_progress)}
    if operation == "ascan/action/stop":
        state._active_stopped = True
        return _ok()
    return None


def _check_documented(operation: str, params: dict[str, str]) -> None:
    required, optional = DOCUMENTED_PARAMS.get(operation, (frozenset(), None))
    missing = required - set(params)
    if missing:
        raise _ApiError("missing_parameter", f"Missing Parameter ({sorted(missing)[0]})")
    if optional is not None and set(params) - required - optional:
        raise _ApiError("illegal_parameter", f"Illegal Parameter ({sorted(set(params) - required - optional)[0]})")


def _session_and_import(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation == "core/action/newSession":
        state.stale_alerts = []
        return _ok()
    if operation in ("openapi/action/importUrl", "openapi/action/importFile"):
        override = params.get("hostOverride") or params.get("target") or ""
        state.target = state.target or override.rstrip("/")
        return {operation.split("/")[-1]: list(state.openapi_warnings)}
    return None


def _answer(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any]:
    """The JSON body for one API operation, mutating the stub's scan state like ZAP would."""
    _check_documented(operation, params)
    with state.lock:
        if operation == "core/view/version":
            return {"version": state.version}
        if operation == "core/action/accessUrl":
            state.target = _require(params, "url").rstrip("/")
            return {"accessUrl": [{"id": "1", "requestHeader": f"GET {state.target}/ HTTP/1.1"}]}
        if operation == "core/action/shutdown":
            state.shutdown_requested = True
            return _ok()
        if operation == "core/view/alerts":
            base = params.get("baseurl", "")
            matching = [a for a in state.visible_alerts() if a["url"].startswith(base)]
            start = int(params.get("start") or 0)
            count = int(params.get("count") or 0)
            return {"alerts": matching[start : start + count] if count > 0 else matching[start:]}
        if operation == "replacer/action/addRule":
            state.replacer_rules[_require(params, "description")] = _require(params, "matchString")
            return _ok()
        if operation in ("spider/action/excludeFromScan", "ascan/action/excludeFromScan"):
            state.excluded.setdefault(operation.split("/")[0], []).append(_require(params, "regex"))
            return _ok()
        if operation == "replacer/action/removeRule":
            state.replacer_rules.pop(_require(params, "description"), None)
            return _ok()
        answer = (
            _session_and_import(state, operation, params)
            or _spider(state, operation, params)
            or _ajax(state, operation, params)
            or _passive(state, operation)
            or _active(state, operation, params)
        )
        if answer is not None:
            return answer
    kind = operation.split("/")[1] if operation.count("/") == 2 else "view"
    raise _ApiError(f"bad_{kind}", f"Bad {kind.title()}")


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


@dataclass(frozen=True)
class RunningStub:
    """A running stub: the address to configure as security.zap.api_url, and its state."""

    url: str
    state: ZapStubState


def make_server(state: ZapStubState, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server answering ZAP's API from `state` (not yet serving)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _json(self, status: int, body: dict[str, Any]) -> None:
            self._send(status, json.dumps(body).encode(), "application/json; charset=UTF-8")

        def do_GET(self) -> None:
            parts = urlsplit(self.path)  # absolute (proxy-style) or relative (direct) request line
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            segments = [segment for segment in parts.path.split("/") if segment]
            key = self.headers.get("X-ZAP-API-Key") or params.pop("apikey", None)
            operation = "/".join(segments[1:4])
            state.calls.append(
                {
                    "operation": operation,
                    "params": params,
                    "host": parts.hostname,
                    "proxy_style": bool(parts.scheme),
                    "key_header": self.headers.get("X-ZAP-API-Key") is not None,
                }
            )
            if operation in state.drop:
                # Hang up without a status line, as a ZAP that crashed or was killed mid-request would.
                self.close_connection = True
                return
            if len(segments) < 4 or segments[0] not in ("JSON", "OTHER"):
                self._json(400, {"code": "bad_format", "message": "Bad Format"})
                return
            if state.api_key is not None and key != state.api_key:
                self._json(400, {"code": "bad_api_key", "message": "Provided API key is incorrect or is missing"})
                return
            if operation == "core/view/version" and state.version_delay:
                time.sleep(state.version_delay)
            if segments[0] == "OTHER":
                self._other(operation)
                return
            try:
                self._json(200, _answer(state, operation, params))
            except _ApiError as error:
                self._json(400, {"code": error.code, "message": error.message})

        def _other(self, operation: str) -> None:
            with state.lock:
                if operation == "core/other/jsonreport":
                    self._send(200, json.dumps(json_report(state)).encode(), "application/json; charset=UTF-8")
                elif operation == "core/other/htmlreport":
                    self._send(200, html_report(state).encode(), "text/html; charset=UTF-8")
                else:
                    self._json(400, {"code": "bad_other", "message": "Bad Other"})

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


@contextmanager
def zap_stub(state: ZapStubState | None = None) -> Iterator[RunningStub]:
    """Serve the stub ZAP API on a free loopback port; stop it afterwards."""
    stub_state = state or ZapStubState()
    with serving(make_server(stub_state)) as port:
        yield RunningStub(f"http://127.0.0.1:{port}", stub_state)


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [main] INFO  {message}", flush=True)


def main(argv: list[str]) -> int:
    """Stand in for ``zap.sh -daemon -host H -port P -config api.key=K``: serve until core/action/shutdown."""
    host, port, key = "127.0.0.1", 8080, None
    arguments = iter(argv)
    for argument in arguments:
        if argument == "-host":
            host = next(arguments)
        elif argument == "-port":
            port = int(next(arguments))
        elif argument == "-config":
            name, _, value = next(arguments).partition("=")
            if name == "api.key":
                key = value
    # ZAP echoes its options when it starts; the launcher must keep the one-off key out of the saved log.
    _log(f"ZAP 2.16.0 (stub) started with options: {' '.join(argv)}")
    if os.environ.get("ZAP_STUB_EXIT_CODE"):
        _log("Cannot listen on the given port: address already in use (simulated)")
        return int(os.environ["ZAP_STUB_EXIT_CODE"])
    time.sleep(float(os.environ.get("ZAP_STUB_START_DELAY", "0")))
    stall = {phase for phase in os.environ.get("ZAP_STUB_STALL", "").split(",") if phase}
    state = ZapStubState(api_key=key, stall=stall)
    server = make_server(state, host, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _log(f"ZAP is now listening on {host}:{port}")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    ignore_shutdown = bool(os.environ.get("ZAP_STUB_IGNORE_SHUTDOWN"))
    try:
        while not (state.shutdown_requested and not ignore_shutdown):
            time.sleep(0.05)
        _log("ZAP shutting down (core/action/shutdown)")
        # Let the answer to the shutdown call go out before the listener closes.
        time.sleep(0.1)
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
