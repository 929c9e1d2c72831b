"""The registry of suites: found through the `golive.suites` entry-point group, loaded on first use.

Built-in suites are declared in pyproject.toml exactly as a separately installed package declares its own:

    [project.entry-points."golive.suites"]
    performance = "suites.performance.suite:PerformanceSuite"

Tests may also `register` a suite class directly and `reset()` afterwards.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from harness import suite_index
from harness.settings import GoliveConfig, config_model
from harness.suite import Suite
from harness.suite_index import GROUP, suite_names

__all__ = ["GROUP", "SuiteLoadError", "get_suite", "register", "reset", "suite_class", "suite_names"]

_registered: dict[str, type[Suite]] = {}
_loaded: dict[str, type[Suite]] = {}


class SuiteLoadError(Exception):
    """An installed suite could not be imported or is not a Suite; the message names its entry point."""


def register(cls: type[Suite]) -> type[Suite]:
    """Class decorator for tests and scripts: make a suite available without an entry point."""
    _registered[cls.name] = cls
    suite_index.registered_names.add(cls.name)
    _model.cache_clear()
    return cls


def reset() -> None:
    """Forget suites registered with `register` and anything cached (for tests)."""
    _registered.clear()
    _loaded.clear()
    suite_index.forget()
    _model.cache_clear()


def suite_class(name: str) -> type[Suite]:
    """The class of the named suite; KeyError for an unknown name, SuiteLoadError for a broken plug-in."""
    if name in _registered:
        return _registered[name]
    if name not in _loaded:
        point = suite_index.installed()[name]
        try:
            loaded = point.load()
        except Exception as error:
            raise SuiteLoadError(f"suite {name!r} ({point.value}) cannot be imported: {error}") from error
        if not (isinstance(loaded, type) and issubclass(loaded, Suite)):
            raise SuiteLoadError(f"suite {name!r} ({point.value}) is not a harness.suite.Suite subclass")
        _loaded[name] = loaded
    return _loaded[name]


def get_suite(name: str) -> Suite:
    """A new instance of the named suite."""
    return suite_class(name)()


def loadable_suites() -> dict[str, type[Suite]]:
    """Every suite that imports cleanly (a broken plug-in is left out here and fails when asked for)."""
    classes = {}
    for name in suite_names():
        try:
            classes[name] = suite_class(name)
        except SuiteLoadError:
            continue
    return classes


def default_suites() -> list[str]:
    """The suites a run goes through when neither --suite nor the `suites` key says which."""
    return [name for name, cls in loadable_suites().items() if cls.runs_by_default]


@cache
def _model() -> type[GoliveConfig]:
    sections: dict[str, type[BaseModel]] = {name: cls.settings_model for name, cls in loadable_suites().items()}
    return config_model(sections)


def full_config_model() -> type[GoliveConfig]:
    """The config model with a section for every loadable suite."""
    return _model()
