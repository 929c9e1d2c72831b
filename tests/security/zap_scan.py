"""The stub ZAP's scan state machine: what it knows, and how each JSON API operation answers and changes it.

Spider, AJAX spider, passive and active scan progress take several polls; a phase can be made to stall; alerts are
paged with ``start``/``count``; ``core.newSession`` drops alerts an earlier scan left; ``openapi.importUrl`` /
``importFile`` add the definition's paths to the sites tree. Calls to operations in ``DOCUMENTED_PARAMS`` must use
the parameters ZAP's API documentation lists. Unknown operations and bad parameters raise `ApiError`, which the
server turns into ZAP's HTTP 400 ``{"code": ..., "message": ...}``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tests.security.zap_alerts import default_alerts

STUB_KEY = "stub-zap-key-0123"


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


class ApiError(Exception):
    """A call ZAP refuses: `code` and `message` as ZAP's HTTP 400 answer carries them."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _require(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise ApiError("missing_parameter", f"Missing Parameter ({name})")
    return params[name]


def _percent_step(progress: int, polls: int) -> int:
    step = 100 // max(1, polls)
    return min(100, progress + step + (1 if step * polls < 100 else 0))


def _next_progress(state: ZapStubState, phase: str, progress: int, polls: int, stalled_at: int) -> int:
    # A stalled phase reports the same part-way percentage on every poll, as a stuck ZAP scan does.
    return stalled_at if phase in state.stall else _percent_step(progress, polls)


def _spider(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation == "spider/action/setOptionMaxDuration":
        int(_require(params, "Integer"))
        return _ok()
    if operation == "spider/action/scan":
        state.target = state.target or _require(params, "url").rstrip("/")
        state._spider_progress, state._spider_stopped = 0, False
        return {"scan": "0"}
    if operation == "spider/view/status":
        state._spider_progress = _next_progress(state, "spider", state._spider_progress, state.spider_polls, 42)
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
            raise ApiError("already_exists", "Already Exists")
        state.policies[name] = {}
        return _ok()
    if operation == "ascan/action/removeScanPolicy":
        if state.policies.pop(_require(params, "scanPolicyName"), None) is None:
            raise ApiError("does_not_exist", "Does Not Exist")
        return _ok()
    if operation == "ascan/action/setScannerAlertThreshold":
        policy = state.policies.get(params.get("scanPolicyName", ""))
        rule = _require(params, "id")
        if policy is None or rule not in ACTIVE_RULES:
            raise ApiError("does_not_exist", "Does Not Exist")
        policy[rule] = _require(params, "alertThreshold")
        return _ok()
    if operation == "ascan/action/scan":
        chosen = params.get("scanPolicyName")
        if chosen is not None and chosen not in state.policies:
            raise ApiError("does_not_exist", "Does Not Exist")
        state._active_progress, state._active_stopped = 0, False
        return {"scan": "0"}
    if operation == "ascan/view/status":
        state._active_progress = _next_progress(state, "active", state._active_progress, state.active_polls, 30)
        return {"status": str(state._active_progress)}
    if operation == "ascan/action/stop":
        state._active_stopped = True
        return _ok()
    return None


def check_documented(operation: str, params: dict[str, str]) -> None:
    """Refuse a call to a documented operation that lacks a required parameter or has an unknown one."""
    required, optional = DOCUMENTED_PARAMS.get(operation, (frozenset(), None))
    missing = required - set(params)
    if missing:
        raise ApiError("missing_parameter", f"Missing Parameter ({sorted(missing)[0]})")
    if optional is not None and set(params) - required - optional:
        raise ApiError("illegal_parameter", f"Illegal Parameter ({sorted(set(params) - required - optional)[0]})")


def _session_and_import(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any] | None:
    if operation == "core/action/newSession":
        state.stale_alerts = []
        return _ok()
    if operation in ("openapi/action/importUrl", "openapi/action/importFile"):
        override = params.get("hostOverride") or params.get("target") or ""
        state.target = state.target or override.rstrip("/")
        return {operation.split("/")[-1]: list(state.openapi_warnings)}
    return None


def answer(state: ZapStubState, operation: str, params: dict[str, str]) -> dict[str, Any]:
    """The JSON body for one API operation, mutating the stub's scan state like ZAP would."""
    check_documented(operation, params)
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
    raise ApiError(f"bad_{kind}", f"Bad {kind.title()}")
