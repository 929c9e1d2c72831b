"""Event hooks golive loads into every Locust run, next to the built-in or the user's own locustfile.

Locust loads this file in its own process (`locust -f golive_hooks.py,locustfile.py`); it defines no user class.
It does what Locust's flags cannot:

- prints a JSON progress sample on stdout every couple of seconds, so the orchestrator can show live figures
  without waiting for the stats CSV, which Locust only flushes every five seconds;
- saves the grouped errors when Locust quits, complete (the failures CSV misses the last second);
- stops forked workers (`--processes`) from also writing `--json-file`: only the master holds the totals;
- saves snapshots of the running totals where measurement windows begin and end (the end of the ramp-up, each
  step of a staged shape), so the evaluate step can leave the ramp-up out and judge each step on its own;
- defines `GoliveShape`, Locust's LoadTestShape for golive's staged shapes, when the harness passes a plan; it
  stops a capacity search at the end of the first step that breaks an SLO;
- stops the run early when the error ratio stays above `performance.abort.error_ratio` for long enough.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
from typing import Any, ClassVar

import gevent
from locust import LoadTestShape, events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from suites.performance.protocol import (
    ENV_ABORT,
    ENV_ERRORS_FILE,
    ENV_PLAN,
    ENV_PROGRESS_INTERVAL,
    ENV_STEP_LIMITS,
    ENV_STEPS_FILE,
    PROGRESS_PREFIX,
)
from suites.performance.steps import slo_breaches, snapshot_endpoints, window, window_seconds

# How many characters of a user-code traceback to keep per distinct exception.
_TRACEBACK_CHARS = 2000

# What this run saves in the steps file; the shape and the hooks both add to it.
_RECORD: dict[str, Any] = {"steady_start": None, "windows": [], "abort": None, "stopped": None, "stage": None}


def _json_env(name: str) -> Any:
    raw = os.environ.get(name)
    return json.loads(raw) if raw else None


def snapshot(environment: Environment) -> dict[str, Any]:
    """The running totals of every endpoint now: counts and the response-time histogram (see `steps`)."""
    entries = []
    for entry in environment.stats.entries.values():
        if not entry.num_requests and not entry.num_failures:
            continue
        entries.append(
            {
                "method": entry.method,
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "response_times": {str(ms): count for ms, count in entry.response_times.items()},
                "total_response_time": entry.total_response_time,
            }
        )
    runner = environment.runner
    return {"t": time.time(), "users": runner.user_count if runner is not None else 0, "entries": entries}


# Recent (time, requests) pairs of the progress samples: throughput is measured over this window.
_RECENT: collections.deque[tuple[float, int]] = collections.deque()
_WINDOW_SECONDS = 10.0


def _throughput(requests: int, fallback: float) -> float:
    """Requests per second over the last ten seconds of samples. Locust's own rolling figure reads 0.0 on a
    distributed master (its per-second counters come from the workers' clocks), and workers report in
    batches every few seconds, so a window of totals is what reads steadily in every mode."""
    now = time.monotonic()
    _RECENT.append((now, requests))
    while len(_RECENT) > 2 and now - _RECENT[1][0] >= _WINDOW_SECONDS:
        _RECENT.popleft()
    oldest_t, oldest_n = _RECENT[0]
    if now - oldest_t <= 0:
        return fallback
    return max(0.0, (requests - oldest_n) / (now - oldest_t))


def progress_sample(environment: Environment) -> dict[str, Any]:
    """The current figures: users running, requests per second since the last sample, p95, totals."""
    total = environment.stats.total
    runner = environment.runner
    p95 = total.get_current_response_time_percentile(0.95) if total.num_requests else None
    sample = {
        "users": runner.user_count if runner is not None else 0,
        "rps": round(_throughput(total.num_requests, float(total.current_rps)), 1),
        "p95_ms": p95,
        "requests": total.num_requests,
        "failures": total.num_failures,
    }
    if _RECORD["stage"]:
        sample["stage"] = _RECORD["stage"]
    if isinstance(runner, MasterRunner):
        # While the master waits for its workers, how many have joined is the figure worth showing.
        sample["workers"] = runner.worker_count
    return sample


def _print_sample(sample: dict[str, Any]) -> None:
    print(PROGRESS_PREFIX + json.dumps(sample), flush=True)


def _report_progress(environment: Environment, interval: float) -> None:
    # The load starts now with no requests: the first line's throughput is measured from here, not read as 0.0.
    _RECENT.append((time.monotonic(), environment.stats.total.num_requests))
    while True:
        gevent.sleep(interval)
        _print_sample(progress_sample(environment))


def errors_record(environment: Environment) -> dict[str, Any]:
    """Grouped request errors and exceptions raised by user code, as saved for the evaluate step."""
    errors = [
        {
            "method": entry["method"],
            "name": entry["name"],
            "error": entry["error"],
            "occurrences": entry["occurrences"],
        }
        for entry in environment.stats.serialize_errors().values()
    ]
    exceptions = []
    if environment.runner is not None:
        for exception in environment.runner.exceptions.values():
            exceptions.append(
                {
                    "count": exception.get("count", 0),
                    "msg": str(exception.get("msg", "")),
                    "traceback": str(exception.get("traceback", ""))[-_TRACEBACK_CHARS:],
                }
            )
    return {"errors": errors, "exceptions": exceptions}


def _save(path: str, data: Any) -> None:
    try:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1)
    except OSError as error:  # the run's results still stand without this file
        print(f"golive: could not save {path}: {error}", file=sys.stderr)


def _watch_error_ratio(environment: Environment, limit: float, hold: float) -> None:
    """Quit the run when every second's error ratio stays above `limit` for `hold` seconds.

    Seconds in which no request finished say nothing either way (in distributed mode the master hears from its
    workers only every few seconds), so they neither start nor end a bad spell.
    """
    seen_requests = seen_failures = 0
    since: float | None = None
    requests = failures = 0
    while True:
        gevent.sleep(1.0)
        total = environment.stats.total
        new_requests, new_failures = total.num_requests - seen_requests, total.num_failures - seen_failures
        seen_requests, seen_failures = total.num_requests, total.num_failures
        if new_requests <= 0:
            continue
        now = time.monotonic()
        if new_failures / new_requests <= limit:
            since = None
            continue
        if since is None:
            since, requests, failures = now - 1.0, 0, 0  # this sample covers the second before it
        requests, failures = requests + new_requests, failures + new_failures
        if now - since >= hold:
            elapsed = time.time() - total.start_time
            _RECORD["abort"] = {
                "after_s": round(elapsed, 1),
                "error_ratio": round(failures / requests, 6),
                "limit": limit,
                "for_s": hold,
                "requests": requests,
                "failures": failures,
            }
            _print_sample({**progress_sample(environment), "aborted": True})
            if environment.runner is not None:
                environment.runner.quit()
            return


def _on_spawning_complete(environment: Environment) -> Any:
    def record(**_: Any) -> None:
        # The first time all users are running is the end of the ramp-up; later spawns (a shape) do not count.
        if _RECORD["steady_start"] is None:
            _RECORD["steady_start"] = snapshot(environment)

    return record


def _on_init(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        # A forked worker shares the master's options; its stats are emptied on every report to the master,
        # so its own --json-file would be near-empty and could overwrite the master's totals.
        if environment.parsed_options is not None:
            environment.parsed_options.json_file = None
        return
    interval = float(os.environ.get(ENV_PROGRESS_INTERVAL) or 2.0)
    gevent.spawn(_report_progress, environment, interval)
    hooks = _untyped(environment.events)
    if not os.environ.get(ENV_PLAN):
        hooks.spawning_complete.add_listener(_on_spawning_complete(environment))
    abort = _json_env(ENV_ABORT)
    if abort:
        hooks.test_start.add_listener(
            lambda **_: gevent.spawn(
                _watch_error_ratio, environment, float(abort["error_ratio"]), float(abort["for_s"])
            )
        )
    errors_file = os.environ.get(ENV_ERRORS_FILE)
    steps_file = os.environ.get(ENV_STEPS_FILE)

    def on_quit(**_: Any) -> None:
        if errors_file:
            _save(errors_file, errors_record(environment))
        if steps_file:
            _close_open_window(environment)
            _save(steps_file, {key: value for key, value in _RECORD.items() if key != "stage"})

    hooks.quit.add_listener(on_quit)


def _close_open_window(environment: Environment) -> None:
    """A window still open when the run stops (Ctrl-C, abort, timeout) is kept, marked incomplete."""
    current = _RECORD.pop("open", None)
    if current is not None:
        _RECORD["windows"].append({**current, "end": snapshot(environment), "complete": False})


def _untyped(hooks: Any) -> Any:
    # Locust's EventHook.add_listener carries no type hints; this keeps the untyped calls explicit.
    return hooks


_untyped(events).init.add_listener(_on_init)


class _StagedShape(LoadTestShape):
    """Runs the stages of golive's plan (from the environment) and records a measurement window per stage."""

    abstract = True
    plan: ClassVar[dict[str, Any]] = {}
    limits: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        # LoadTestShape.__init__ only starts the clock (untyped); Locust restarts it when the test starts.
        self.start_time = time.perf_counter()
        self._index = -1

    def _locate(self, elapsed: float) -> tuple[int, float] | None:
        began = 0.0
        for index, stage in enumerate(self.plan["stages"]):
            if elapsed < began + float(stage["seconds"]):
                return index, began
            began += float(stage["seconds"])
        return None

    def _close(self, environment: Environment) -> bool:
        """End the open window; True if the search must stop here (a capacity step broke an SLO)."""
        current = _RECORD.pop("open", None)
        if current is None:
            return False
        end = snapshot(environment)
        _RECORD["windows"].append({**current, "end": end, "complete": True})
        if not self.plan.get("stop"):
            return False
        start = current["start"]
        endpoints = window(snapshot_endpoints(start), snapshot_endpoints(end), start["t"], end["t"])
        problems = slo_breaches(endpoints, window_seconds(start["t"], end["t"]), self.limits)
        if problems:
            _RECORD["stopped"] = {"stage": current["label"], "users": current["users"], "because": problems}
            return True
        return False

    def tick(self) -> tuple[int, float] | None:
        """The users and spawn rate for now; None ends the run (after the last stage, or a broken step)."""
        assert self.runner is not None
        environment = self.runner.environment
        elapsed = time.perf_counter() - self.start_time
        found = self._locate(elapsed)
        index = found[0] if found is not None else None
        if index != self._index:
            if self._close(environment) or found is None:
                _RECORD["stage"] = None
                return None
            self._index = index if index is not None else -1
        assert found is not None
        stage = self.plan["stages"][found[0]]
        _RECORD["stage"] = stage["label"]
        if "open" not in _RECORD and elapsed >= found[1] + float(stage["measure_after"]):
            start = snapshot(environment)
            _RECORD["open"] = {"label": stage["label"], "users": int(stage["users"]), "start": start}
            if _RECORD["steady_start"] is None:
                _RECORD["steady_start"] = start
        return int(stage["users"]), float(stage["spawn_rate"])


if os.environ.get(ENV_PLAN):
    # Defined only when the harness asks for a staged shape: Locust runs any LoadTestShape it finds.
    GoliveShape = type(
        "GoliveShape",
        (_StagedShape,),
        {"abstract": False, "plan": _json_env(ENV_PLAN), "limits": _json_env(ENV_STEP_LIMITS) or {}},
    )
