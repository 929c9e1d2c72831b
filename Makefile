# The two quick-start commands: `make demo` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done

.PHONY: setup demo test check clean

setup: $(STAMP)

# Re-run set-up when the package definition changes; Chromium and Wapiti come from Debian where apt is available.
# Wapiti is the security scan's engine when no ZAP is at hand: without it set-up still succeeds, and says so.
$(STAMP): pyproject.toml
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ] || \
		{ command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
		{ echo "golive: could not install Chromium; install it (e.g. apt-get install chromium) and retry" >&2; exit 1; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null); } || { echo "golive: could not install PostgreSQL (the history tests run one); install it (e.g. apt-get install postgresql) and retry" >&2; exit 1; }
	@command -v wapiti >/dev/null 2>&1 || \
		{ command -v apt-get >/dev/null 2>&1 && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >/dev/null); } || \
		echo "golive: could not install Wapiti (apt-get install wapiti, or pipx install wapiti3); security scans then need ZAP" >&2
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo is meant to end NOT_READY (exit 1); only a usage error (3) or an interruption (130) fails make.
demo: setup
	@$(BIN)/golive demo; code=$$?; [ $$code -le 2 ] || exit $$code; \
		echo "golive demo finished with exit code $$code (0 READY, 1 NOT_READY, 2 INCONCLUSIVE); open reports/latest/report.html"

# The full suite: lint, types, and every test, real servers, browsers and tools included (what CI runs).
test: setup
	$(BIN)/ruff check harness suites tests bench
	$(BIN)/ruff format --check harness suites tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

# The fast lane: lint, types, and every test not marked `integration` (no server, browser or subprocess).
check: setup
	$(BIN)/ruff check harness suites tests bench
	$(BIN)/ruff format --check harness suites tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q -m "not integration"

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
