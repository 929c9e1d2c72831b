"""Precision and recall of golive's own accessibility checks, on the known-good corpus and the known-bad set.

Usage, from the repository root (needs npm once, to fetch GOV.UK Frontend into the user's cache folder)::

    .venv/bin/python -m bench.accessibility.precision [--chromium PATH] [--json FILE]

It audits GOV.UK Frontend's component examples (`tests/accessibility/govuk.py`) and the test pages of
`tests/accessibility/defects.py` with the real `golive` command, then prints, per own check: pages audited,
findings on the corpus, how many of them are reviewed true positives (`tests/accessibility/reviewed.py`) and how
many are false, what needs review, and recall on the known-bad set (plus false alarms on its near misses).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from suites.accessibility.rules import RULES
from tests.accessibility import defects, govuk
from tests.accessibility.reviewed import TRUE_POSITIVES
from tests.support import Route, serve

REPO_ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"


def audit(base: str, paths: list[str], chromium: str, out: Path, tree: Path = REPO_ROOT) -> dict[str, Any]:
    """The accessibility suite's result for `paths` on `base`, through the real CLI of the checkout `tree`."""
    command = [sys.executable, "-m", "harness", "run", "--target", base, "--suite", "accessibility"]
    for option in (
        f"accessibility.pages={json.dumps(paths)}",
        f"accessibility.max_pages={len(paths)}",
        "accessibility.screenshots=false",
        f'browser.executable="{chromium}"',
    ):
        command += ["--set", option]
    completed = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, cwd=tree)
    result_file = out / "latest" / "result.json"
    if not result_file.exists():
        raise RuntimeError(f"golive did not finish: {completed.stderr.strip()[-300:]}")
    suite: dict[str, Any] = json.loads(result_file.read_text())["suites"]["accessibility"]
    return suite


def own_findings(suite: dict[str, Any], base: str) -> list[tuple[str, str]]:
    """(page path, rule) of every own-check finding."""
    return [
        (str(finding["url"]).removeprefix(base), str(finding["rule"]))
        for finding in suite["findings"]
        if str(finding["rule"]).startswith("golive-")
    ]


def corpus_rows(suite: dict[str, Any], base: str) -> dict[str, dict[str, int]]:
    """Per own rule: findings on the corpus, reviewed true and false positives, entries needing review."""
    rows = {rule: {"findings": 0, "true": 0, "false": 0, "review": 0} for rule in RULES}
    for page, rule in own_findings(suite, base):
        rows[rule]["findings"] += 1
        rows[rule]["true" if (page, rule) in TRUE_POSITIVES else "false"] += 1
    for entry in suite["details"].get("needs_review", []):
        rows[entry["rule"]]["review"] += 1
    return rows


def bad_set_rows(suite: dict[str, Any], base: str) -> dict[str, dict[str, int]]:
    """Per own rule: defects in the bad set, how many were caught with how many findings (one each is right),
    and false alarms on the near misses."""
    found = Counter(own_findings(suite, base))
    rows = {rule: {"defects": 0, "caught": 0, "findings": 0, "near_miss_alarms": 0} for rule in RULES}
    for path, case in defects.BAD.items():
        if case.rule is not None:
            rows[case.rule]["defects"] += 1
            rows[case.rule]["caught"] += found[(path, case.rule)] >= 1
    for (path, rule), count in found.items():
        if path in defects.BAD:
            rows[rule]["findings"] += count
        if path in defects.GOOD:
            rows[rule]["near_miss_alarms"] += count
    return rows


def report(pages: int, corpus: dict[str, dict[str, int]], bad: dict[str, dict[str, int]]) -> str:
    """The table the benchmark prints."""
    lines = [
        f"GOV.UK Frontend {govuk.VERSION}: {pages} example pages audited; known-bad set: {len(defects.BAD)} pages, "
        f"{len(defects.GOOD)} near misses",
        "",
        f"{'own check':30} {'pages':>6} {'findings':>9} {'true':>5} {'false':>6} {'review':>7} {'recall':>10} "
        f"{'bad-set findings':>17} {'near-miss alarms':>17}",
    ]
    for rule in RULES:
        c, b = corpus[rule], bad[rule]
        recall = f"{b['caught']}/{b['defects']}" if b["defects"] else "-"
        lines.append(
            f"{rule:30} {pages:6} {c['findings']:9} {c['true']:5} {c['false']:6} {c['review']:7} {recall:>10} "
            f"{b['findings']:17} {b['near_miss_alarms']:17}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Audit both sets and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=os.environ.get("GOLIVE_BENCH_CHROMIUM", DEBIAN_CHROMIUM))
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--tree", type=Path, default=REPO_ROOT, help="run golive from this checkout (to compare)")
    args = parser.parse_args(argv)
    cases = {**defects.BAD, **defects.GOOD, **defects.REVIEW}
    with tempfile.TemporaryDirectory(prefix="golive-precision-") as scratch:
        with govuk.serve_corpus() as (server, examples):
            paths = [example.path for example in examples]
            suite = audit(server.url, paths, args.chromium, Path(scratch) / "corpus", args.tree)
            corpus = corpus_rows(suite, server.url)
        with serve({path: Route(case.html) for path, case in cases.items()}) as site:
            found = audit(site.url, list(cases), args.chromium, Path(scratch) / "bad", args.tree)
            bad = bad_set_rows(found, site.url)
    print(report(len(examples), corpus, bad))
    if args.json:
        args.json.write_text(json.dumps({"pages": len(examples), "corpus": corpus, "bad_set": bad}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
