"""Load shapes: how many users run when, for each `performance.shape`. Pure: no Locust, no I/O.

- ``load``: steady at `users` for `duration` (Locust's own -u/-r/-t).
- ``stress``: the same at `users * stress_factor`: above the expected load.
- ``spike``: a baseline at `users`, a sudden jump to `users * spike.factor` held for `spike.hold`, then back.
- ``soak``: `users` for `soak_duration`, measured in `soak_windows` equal windows so drift over time shows.
- ``capacity``: steps of users, each `capacity.step_duration` long, until a step breaks an SLO.

Shapes with stages run through golive's LoadTestShape (in golive_hooks), which reads the plan from the
environment; the constant ones use Locust's own options, exactly as a plain `locust --headless` run would.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from suites.performance.settings import PerformanceSettings


@dataclass(frozen=True)
class Stage:
    """One part of a staged run: hold `users` for `seconds`, getting there at `spawn_rate` users per second.

    `measure_after` is how many seconds into the stage its measurement window starts: the ramp from the users
    before it must be over first, so that a step is judged at its own load only.
    """

    label: str
    users: int
    spawn_rate: float
    seconds: float
    measure_after: float


@dataclass(frozen=True)
class LoadPlan:
    """The users over time for one run: `stages` for a staged shape, else a steady `users` for `seconds`."""

    shape: str
    users: int
    spawn_rate: float
    seconds: float
    stages: tuple[Stage, ...] = ()
    # Capacity search: stop at the end of the first step that breaks an SLO.
    stop_on_breach: bool = False

    @property
    def staged(self) -> bool:
        """Whether the run needs golive's LoadTestShape (rather than Locust's own -u/-r/-t)."""
        return bool(self.stages)

    @property
    def peak_users(self) -> int:
        """The most users the plan ever runs at once."""
        return max([self.users, *(stage.users for stage in self.stages)])

    def to_json(self) -> str:
        """The plan as the LoadTestShape reads it from the environment."""
        return json.dumps(
            {"shape": self.shape, "stages": [asdict(s) for s in self.stages], "stop": self.stop_on_breach}
        )

    def describe(self) -> str:
        """One line for the console, e.g. "capacity search: 10 to 100 users in steps of 10, 30s each"."""
        if not self.stages:
            return f"{self.shape}: {self.users} users for {self.seconds:g}s"
        if self.shape == "capacity":
            first, last = self.stages[0], self.stages[-1]
            step = self.stages[1].users - first.users if len(self.stages) > 1 else 0
            return (
                f"capacity search: {first.users} to {last.users} users in steps of {step}, "
                f"{first.seconds:g}s each, stopping at the first step that breaks an SLO"
            )
        parts = ", ".join(f"{s.label} {s.users} users {s.seconds:g}s" for s in self.stages)
        return f"{self.shape}: {parts}"


def _ramp(before: int, after: int, rate: float, seconds: float) -> float:
    """Seconds to let a change of users settle before measuring: the spawn time rounded up, plus one second.

    Never more than half the stage, so every stage keeps a measured part.
    """
    if before == after:
        return 0.0
    return min(math.ceil(abs(after - before) / rate) + 1.0, seconds / 2)


def _stages(spec: list[tuple[str, int, float, float]]) -> tuple[Stage, ...]:
    stages = []
    users = 0
    for label, target, rate, seconds in spec:
        stages.append(Stage(label, target, rate, seconds, _ramp(users, target, rate, seconds)))
        users = target
    return tuple(stages)


def plan_for(settings: PerformanceSettings) -> LoadPlan:
    """The load plan `performance.shape` describes."""
    users, rate, duration = settings.users, settings.spawn_rate, settings.duration
    if settings.shape == "stress":
        return LoadPlan("stress", math.ceil(users * settings.stress_factor), rate, duration)
    if settings.shape == "spike":
        peak = math.ceil(users * settings.spike.factor)
        # The spike arrives within about a second, however gently the baseline was ramped up.
        fast = max(rate, float(peak - users))
        side = (duration - settings.spike.hold) / 2
        spec = [
            ("baseline", users, rate, side),
            ("spike", peak, fast, settings.spike.hold),
            ("recovery", users, fast, side),
        ]
        return LoadPlan("spike", users, rate, duration, _stages(spec))
    if settings.shape == "soak":
        count = settings.soak_windows
        length = settings.soak_duration / count
        spec = [(f"window {i}", users, rate, length) for i in range(1, count + 1)]
        return LoadPlan("soak", users, rate, settings.soak_duration, _stages(spec))
    if settings.shape == "capacity":
        start, step, top = settings.capacity_steps()
        length = settings.capacity.step_duration
        levels = list(range(start, top + 1, step))
        spec = [(f"step {i}", level, rate, length) for i, level in enumerate(levels, start=1)]
        return LoadPlan("capacity", start, rate, length * len(levels), _stages(spec), stop_on_breach=True)
    return LoadPlan("load", users, rate, duration)
