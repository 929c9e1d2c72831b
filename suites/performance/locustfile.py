"""golive's built-in Locust user: each configured path (or scenario) is a task, named "GET /path" in the statistics.

Locust loads this file in its own process (`locust -f`); the orchestrator never imports it. Everything it needs
comes from environment variables set by the harness (see `protocol`), because headers and cookies are secrets
and must not appear on the command line or on disk.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from locust import FastHttpUser, HttpUser, User, between, constant

from harness.auth.login_page import redirected_request_problem
from suites.performance.protocol import (
    ENV_HEADERS,
    ENV_LOGIN_URL,
    ENV_PATHS,
    ENV_SCENARIOS,
    ENV_THINK_TIME,
    ENV_USER_CLASS,
)

LOGIN_URL = os.environ.get(ENV_LOGIN_URL, "")


def _json_env(name: str, default: Any) -> Any:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else json.loads(raw)


def wait_time_for(think_time: Any) -> Callable[[User], float]:
    """Locust's wait_time for `think_time`: [min, max] seconds picked at random, or a constant number."""
    if isinstance(think_time, list):
        return between(float(think_time[0]), float(think_time[1]))
    return constant(float(think_time))


def login_landing(response: Any, requested: str, login_url: str) -> str | None:
    """Why a response that was redirected to the login page is a failure, or None (no redirect, or elsewhere).

    Both clients follow redirects and give where the request ended as `url` (FastHttpUser's response in a
    with-block loses its `history`, so a different final path is what tells a redirect).
    """
    final = str(getattr(response, "url", "") or "")
    if not final or urlsplit(final).path == urlsplit(requested).path:
        return None  # the common case: the body is not even decoded
    return redirected_request_problem(requested, final, login_url, getattr(response, "text", None))


def send(user: FastHttpUser | HttpUser, method: str, path: str, name: str, options: dict[str, Any]) -> None:
    """One request; a response that ends on the login page after redirects counts as a failed request."""
    # Both FastHttpUser and HttpUser clients take `name`, `headers` and `catch_response` per request.
    with user.client.request(method, path, name=name, catch_response=True, **options) as response:
        # Locust puts the path after the host as written, so a target with a base path keeps it.
        problem = login_landing(response, (user.host or "").rstrip("/") + path, LOGIN_URL)
        if problem is not None:
            response.failure(problem)


def task_for(path: str, headers: dict[str, str]) -> Callable[[FastHttpUser | HttpUser], None]:
    """A task that requests `path`, reported under the name "GET <path>" so endpoints read as method + path."""
    name = f"GET {path}"

    def request(user: FastHttpUser | HttpUser) -> None:
        send(user, "GET", path, name, {"headers": headers})

    request.__name__ = f"get {path}"
    return request


def scenario_task(scenario: dict[str, Any], headers: dict[str, str]) -> Callable[[FastHttpUser | HttpUser], None]:
    """A task for one `[[performance.scenarios]]` entry: its method, body and headers (over the shared ones)."""
    method = str(scenario.get("method") or "GET")
    path = str(scenario["path"])
    name = str(scenario.get("name") or f"{method} {path}")
    merged = {**headers, **(scenario.get("headers") or {})}
    options: dict[str, Any] = {"headers": merged}
    if scenario.get("body") is not None:
        options["data"] = str(scenario["body"])
    elif scenario.get("json") is not None:
        options["json"] = scenario["json"]

    def request(user: FastHttpUser | HttpUser) -> None:
        send(user, method, path, name, options)

    request.__name__ = name
    return request


def build_tasks(headers: dict[str, str]) -> list[Callable[..., None]] | dict[Callable[..., None], int]:
    """Weighted scenario tasks when scenarios are configured, else one equally likely task per path."""
    scenarios: list[dict[str, Any]] | None = _json_env(ENV_SCENARIOS, None)
    if scenarios:
        return {scenario_task(scenario, headers): int(scenario.get("weight") or 1) for scenario in scenarios}
    paths: list[str] = _json_env(ENV_PATHS, ["/"])
    return [task_for(path, headers) for path in paths]


def build_user_class() -> type[User]:
    """The user class described by the environment: FastHttpUser unless "http" (HttpUser) was asked for."""
    headers: dict[str, str] = _json_env(ENV_HEADERS, {})
    base: type[User] = HttpUser if os.environ.get(ENV_USER_CLASS) == "http" else FastHttpUser
    attributes: dict[str, Any] = {
        "tasks": build_tasks(headers),
        "wait_time": wait_time_for(_json_env(ENV_THINK_TIME, 0)),
        "abstract": False,
        "__module__": __name__,
        "__doc__": "Requests the configured paths (or weighted scenarios) at random, with the target's headers.",
    }
    # Built with type() because the base class is chosen at run time; Locust finds it as a module global.
    return type("GoliveUser", (base,), attributes)


GoliveUser = build_user_class()
