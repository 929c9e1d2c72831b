"""golive's built-in Locust user: each configured path is a task, named "GET /path" in Locust's statistics.

Locust loads this file in its own process (`locust -f`); the orchestrator never imports it. Everything it needs
comes from environment variables set by the harness (see `protocol`), because headers and cookies are secrets
and must not appear on the command line or on disk.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from locust import FastHttpUser, HttpUser, User, between, constant

from suites.performance.protocol import ENV_HEADERS, ENV_PATHS, ENV_THINK_TIME, ENV_USER_CLASS


def _json_env(name: str, default: Any) -> Any:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else json.loads(raw)


def wait_time_for(think_time: Any) -> Callable[[User], float]:
    """Locust's wait_time for `think_time`: [min, max] seconds picked at random, or a constant number."""
    if isinstance(think_time, list):
        return between(float(think_time[0]), float(think_time[1]))
    return constant(float(think_time))


def task_for(path: str, headers: dict[str, str]) -> Callable[[FastHttpUser | HttpUser], None]:
    """A task that requests `path`, reported under the name "GET <path>" so endpoints read as method + path."""
    name = f"GET {path}"

    def request(user: FastHttpUser | HttpUser) -> None:
        # Both FastHttpUser and HttpUser clients take `name` and `headers` per request.
        user.client.get(path, name=name, headers=headers)

    request.__name__ = f"get {path}"
    return request


def build_user_class() -> type[User]:
    """The user class described by the environment: FastHttpUser unless "http" (HttpUser) was asked for."""
    paths: list[str] = _json_env(ENV_PATHS, ["/"])
    headers: dict[str, str] = _json_env(ENV_HEADERS, {})
    base: type[User] = HttpUser if os.environ.get(ENV_USER_CLASS) == "http" else FastHttpUser
    attributes: dict[str, Any] = {
        "tasks": [task_for(path, headers) for path in paths],
        "wait_time": wait_time_for(_json_env(ENV_THINK_TIME, 0)),
        "abstract": False,
        "__module__": __name__,
        "__doc__": "Requests each configured path in turn, at random, with the target's headers.",
    }
    # Built with type() because the base class is chosen at run time; Locust finds it as a module global.
    return type("GoliveUser", (base,), attributes)


GoliveUser = build_user_class()
