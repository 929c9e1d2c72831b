"""golive's suites: one sub-package each, with its settings, gather step and evaluate step."""
