"""Event hooks golive loads into every Locust run, next to the built-in or the user's own locustfile.

Locust loads this file in its own process (`locust -f locustfile.py,golive_hooks.py`); it defines no user class.
It does three things Locust's flags cannot:

- prints a JSON progress sample on stdout every couple of seconds, so the orchestrator can show live figures
  without waiting for the stats CSV, which Locust only flushes every five seconds;
- saves the grouped errors when Locust quits, complete (the failures CSV misses the last second);
- stops forked workers (`--processes`) from also writing `--json-file`: only the master holds the totals.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import WorkerRunner

from suites.performance.protocol import ENV_ERRORS_FILE, ENV_PROGRESS_INTERVAL, PROGRESS_PREFIX

# How many characters of a user-code traceback to keep per distinct exception.
_TRACEBACK_CHARS = 2000


def progress_sample(environment: Environment) -> dict[str, Any]:
    """The current figures: users running, requests per second (Locust's rolling window), p95, totals."""
    total = environment.stats.total
    runner = environment.runner
    p95 = total.get_current_response_time_percentile(0.95) if total.num_requests else None
    return {
        "users": runner.user_count if runner is not None else 0,
        "rps": round(float(total.current_rps), 1),
        "p95_ms": p95,
        "requests": total.num_requests,
        "failures": total.num_failures,
    }


def _report_progress(environment: Environment, interval: float) -> None:
    while True:
        gevent.sleep(interval)
        print(PROGRESS_PREFIX + json.dumps(progress_sample(environment)), flush=True)


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


def _save_errors(environment: Environment, path: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(errors_record(environment), stream, indent=2)


def _on_init(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        # A forked worker shares the master's options; its stats are emptied on every report to the master,
        # so its own --json-file would be near-empty and could overwrite the master's totals.
        if environment.parsed_options is not None:
            environment.parsed_options.json_file = None
        return
    interval = float(os.environ.get(ENV_PROGRESS_INTERVAL) or 2.0)
    gevent.spawn(_report_progress, environment, interval)
    errors_file = os.environ.get(ENV_ERRORS_FILE)
    if errors_file:

        def on_quit(**_: Any) -> None:
            try:
                _save_errors(environment, errors_file)
            except OSError as error:  # the run's results still stand without the grouped errors
                print(f"golive: could not save {errors_file}: {error}", file=sys.stderr)

        _untyped(environment.events).quit.add_listener(on_quit)


def _untyped(hooks: Any) -> Any:
    # Locust's EventHook.add_listener carries no type hints; this keeps the one untyped call explicit.
    return hooks


_untyped(events).init.add_listener(_on_init)
