"""Events the engine emits while a run goes on; the console, reporters and history store consume them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from harness.models import RunResult, SuiteResult


@dataclass(frozen=True)
class RunStarted:
    """A run (or a re-evaluation) began."""

    run_id: str
    target: str
    suites: tuple[str, ...]
    run_dir: Path
    evaluate_only: bool = False


@dataclass(frozen=True)
class SuiteStarted:
    """A suite began gathering."""

    name: str
    title: str


@dataclass(frozen=True)
class SuiteProgressed:
    """A suite reported how far it has got (one line for a person to read)."""

    name: str
    message: str


@dataclass(frozen=True)
class SuiteFinished:
    """A suite's result is known."""

    name: str
    result: SuiteResult
    seconds: float


@dataclass(frozen=True)
class RunFinished:
    """The verdict is known; `result.interrupted` says whether the user stopped the run."""

    result: RunResult
    run_dir: Path


Event = RunStarted | SuiteStarted | SuiteProgressed | SuiteFinished | RunFinished


class EventHandler(Protocol):
    """Anything that consumes the engine's events."""

    def handle(self, event: Event) -> None:
        """React to one event; must not raise for events it does not care about."""
