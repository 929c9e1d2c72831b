"""A suite for fault tests: it says on stderr when it reaches a phase and can be told to stall there.

GOLIVE_FAULT_STALL names the phase to stall in: "gather" or "judge". It also starts a child process while
gathering, so a test can check that nothing is left behind when golive is stopped. GOLIVE_FAULT_FAIL=1 makes its
check fail when judged (a NOT_READY run, which the notify webhook is told about).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import ClassVar

from harness.artifacts import Artifacts
from harness.models import Check, Status, SuiteResult
from harness.suite import GatherContext, JudgeContext, Suite


def _phase(name: str) -> None:
    print(f"FAULT-PHASE {name}", file=sys.stderr, flush=True)
    if os.environ.get("GOLIVE_FAULT_STALL") == name:
        time.sleep(120)


class PausingSuite(Suite):
    """Measures one number; stalls where it is told to."""

    name: ClassVar[str] = "pausing"
    title: ClassVar[str] = "A suite that can stall"

    def gather(self, context: GatherContext) -> Artifacts:
        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        try:
            context.write_json("measured.json", {"value": 1})
            _phase("gather")
        finally:
            helper.terminate()
            helper.wait()
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        _phase("judge")
        value = artifacts.read_json("measured.json")["value"]
        status = Status.FAIL if os.environ.get("GOLIVE_FAULT_FAIL") == "1" else Status.PASS
        return SuiteResult(self.name, checks=(Check("value", status, f"value {value}", value),))
