"""The registry of suites: a plain dict filled by a decorator, loaded lazily so start-up stays quick."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from harness.suite import Suite

# Built-in suites, imported only when a run needs them (so `golive --help` imports no heavy tool).
BUILTIN_SUITES = {
    "performance": "suites.performance.suite",
    "accessibility": "suites.accessibility.suite",
    "security": "suites.security.suite",
}

_registry: dict[str, Callable[[], Suite]] = {}


def register(name: str) -> Callable[[Callable[[], Suite]], Callable[[], Suite]]:
    """Class decorator: make a suite available under `name`."""

    def decorate(factory: Callable[[], Suite]) -> Callable[[], Suite]:
        _registry[name] = factory
        return factory

    return decorate


def get_suite(name: str) -> Suite:
    """A new instance of the named suite; raises KeyError for an unknown name."""
    if name not in _registry and name in BUILTIN_SUITES:
        module = importlib.import_module(BUILTIN_SUITES[name])
        if name not in _registry:  # imported before a reset(): run its registration again
            importlib.reload(module)
    return _registry[name]()


def suite_names() -> list[str]:
    """Every suite name a user may ask for, in the order they run."""
    return list(dict.fromkeys([*BUILTIN_SUITES, *_registry]))


def reset() -> None:
    """Forget every registered suite (for tests)."""
    _registry.clear()
