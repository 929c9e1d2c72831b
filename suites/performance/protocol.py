"""What the orchestrator and the Locust process agree on: environment variable names and file names.

This module is imported on both sides of the process boundary, so it imports nothing but the standard library
(in particular never Locust, which monkey-patches the standard library on import).
"""

from __future__ import annotations

# Parameters of the built-in user. Secrets (headers, cookies) travel only in the environment: never on argv,
# which other users of the machine can read, and never on disk.
ENV_PATHS = "GOLIVE_PERF_PATHS"  # JSON list of paths, e.g. ["/", "/start"]
ENV_THINK_TIME = "GOLIVE_PERF_THINK_TIME"  # JSON: a number of seconds or [min, max]
ENV_HEADERS = "GOLIVE_PERF_HEADERS"  # JSON object of headers sent with every request (cookies folded in)
ENV_USER_CLASS = "GOLIVE_PERF_USER_CLASS"  # "fast" (FastHttpUser) or "http" (HttpUser)
ENV_TARGET_URL = "GOLIVE_TARGET_URL"  # the target, also given to Locust as --host
# The login page (auth.login_url), or empty: a response redirected there is a failed request, not a page.
ENV_LOGIN_URL = "GOLIVE_PERF_LOGIN_URL"
# Where the hooks save Locust's grouped errors when it quits (the failures CSV lags by up to a second).
ENV_ERRORS_FILE = "GOLIVE_PERF_ERRORS_FILE"
# Seconds between live progress lines printed by the hooks on stdout.
ENV_PROGRESS_INTERVAL = "GOLIVE_PERF_PROGRESS_INTERVAL"
# JSON list of weighted requests (`[[performance.scenarios]]`); replaces ENV_PATHS when set. May hold headers.
ENV_SCENARIOS = "GOLIVE_PERF_SCENARIOS"
# JSON load plan (see `shapes.LoadPlan.to_json`); when set, golive_hooks defines the LoadTestShape that runs it.
ENV_PLAN = "GOLIVE_PERF_PLAN"
# Where the hooks save the measurement windows (snapshots at step boundaries) and an early abort, if any.
ENV_STEPS_FILE = "GOLIVE_PERF_STEPS_FILE"
# JSON {"error_ratio": 0.5, "for_s": 10}: stop early when the error ratio stays above the limit that long.
ENV_ABORT = "GOLIVE_PERF_ABORT"
# JSON {"overall": {metric: fail limit}, "endpoints": {name: {metric: fail limit}}}: the SLOs a capacity step
# must meet for the search to go on to the next step.
ENV_STEP_LIMITS = "GOLIVE_PERF_STEP_LIMITS"

# A stdout line starting with this prefix carries a JSON progress sample from the Locust process.
PROGRESS_PREFIX = "GOLIVE_PROGRESS "

# Artifact names under artifacts/performance/.
LOCUST_JSON = "locust.json"
CSV_PREFIX = "locust"
STATS_HISTORY_CSV = "locust_stats_history.csv"
FAILURES_CSV = "locust_failures.csv"
HTML_REPORT = "locust.html"
ERRORS_JSON = "locust_errors.json"
STDERR_LOG = "locust.stderr.log"
STDOUT_LOG = "locust.stdout.log"
RUN_JSON = "run.json"
STEPS_JSON = "locust_steps.json"
