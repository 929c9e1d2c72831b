"""The names of the suites a user may ask for, known without importing any suite (so `--help` starts fast).

Names come from the `golive.suites` entry-point group, plus any suite registered in-process (for tests).
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

GROUP = "golive.suites"
# Extra `golive NAME ...` commands a suite's package brings (e.g. `golive worker` for distributed load).
COMMANDS_GROUP = "golive.commands"
# The order a full run goes in, for the suites golive ships; installed suites follow in name order.
BUILTIN_ORDER = ("availability", "performance", "accessibility", "security", "checklist")

registered_names: set[str] = set()


@cache
def _group(group: str) -> dict[str, EntryPoint]:
    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=group):
        found.setdefault(point.name, point)
    return found


def installed() -> dict[str, EntryPoint]:
    """Every installed suite's entry point, by name (the first one wins if two packages use a name)."""
    return _group(GROUP)


def installed_commands() -> dict[str, EntryPoint]:
    """Every extra command an installed package declares, by name."""
    return _group(COMMANDS_GROUP)


def suite_names() -> list[str]:
    """Every suite a user may ask for, in the order a run goes through them."""
    names = set(installed()) | registered_names
    builtin = [name for name in BUILTIN_ORDER if name in names]
    return [*builtin, *sorted(names - set(builtin))]


def forget() -> None:
    """Forget registered names and the cached entry points (for tests)."""
    registered_names.clear()
    _group.cache_clear()
