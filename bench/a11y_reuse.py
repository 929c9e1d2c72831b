"""Benchmark: a second accessibility run over 30 unchanged pages, which reuses the first run's audits.

Serves the 30 pages of `bench.accessibility.site` on 127.0.0.1, each with a shared stylesheet, a script and an
image of its own, and runs `golive run --suite accessibility` through the CLI three times with one output folder:

1. a cold run (empty reuse cache): every page is audited in Chromium;
2. the same run again, nothing changed: every page should be reused;
3. after changing one page's image and another page's document: those two must be audited again.

It prints each run's wall time, pages reused, and whether the findings (their fingerprints) are identical to
the cold run's. Target: the second run at least 3x faster than the first.

    .venv/bin/python -m bench.a11y_reuse [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.accessibility.site import PAGE_COUNT, page, serve_files

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 3.0
STYLE = "body { font-family: sans-serif; max-width: 60em; margin: auto } footer { border-top: 1px solid #ccc }\n"
SCRIPT = "document.documentElement.dataset.ready = 'yes';\n"


def site_files() -> dict[str, tuple[str, bytes]]:
    """Every path of the site with its content type and body: pages, a shared CSS and JS, one image per page."""
    files: dict[str, tuple[str, bytes]] = {
        "/static/site.css": ("text/css", STYLE.encode() * 40),
        "/static/app.js": ("text/javascript", SCRIPT.encode()),
    }
    head = "<link rel='stylesheet' href='/static/site.css'><script src='/static/app.js' defer></script></head>"
    for number in range(1, PAGE_COUNT + 1):
        image = f"<img src='/static/photo-{number}.svg' alt='Photo {number}' width='80' height='60'>"
        html = page(number).replace("</head>", head, 1).replace("<h1>", image + "<h1>", 1)
        files[f"/page/{number}"] = ("text/html; charset=utf-8", html.encode())
        files[f"/static/photo-{number}.svg"] = ("image/svg+xml", svg(number, "#1d70b8"))
    return files


def svg(number: int, colour: str) -> bytes:
    """A small picture for page `number`."""
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='80' height='60'><rect width='80' height='60' "
        f"fill='{colour}'/><text x='10' y='35' fill='white'>{number}</text></svg>"
    ).encode()


def run_golive(base: str, out: Path, extra: Sequence[str] = ()) -> tuple[float, dict[str, Any]]:
    """One `golive run --suite accessibility` through the CLI; its wall time and the suite's result."""
    pages = [f"/page/{number}" for number in range(1, PAGE_COUNT + 1)]
    command = [sys.executable, "-m", "harness", "run", "--target", base, "--suite", "accessibility", "--out", str(out)]
    for option in (f"accessibility.pages={json.dumps(pages)}", *extra):
        command += ["--set", option]
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=900, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode not in (0, 1, 2):
        raise RuntimeError(f"golive exited {completed.returncode}: {completed.stderr.strip()[-500:]}")
    suite: dict[str, Any] = json.loads((out / "latest" / "result.json").read_text())["suites"]["accessibility"]
    if suite["metrics"]["pages_audited"] != PAGE_COUNT:
        raise RuntimeError(f"golive audited {suite['metrics']['pages_audited']} of {PAGE_COUNT} pages")
    return elapsed, suite


def fingerprints(suite: dict[str, Any]) -> list[str]:
    """The findings of a run, as their sorted fingerprints."""
    return sorted(finding["fingerprint"] for finding in suite["findings"])


def reused_pages(suite: dict[str, Any]) -> set[str]:
    """The pages of a run that were reused."""
    return {row["page"] for row in suite["details"]["by_page"] if row.get("reused")}


def one_round(files: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
    """Cold run, warm run, run after two changes; their times and what each reused."""
    with tempfile.TemporaryDirectory(prefix="golive-reuse-bench-") as folder, serve_files(files) as base:
        out = Path(folder)
        cold_s, cold = run_golive(base, out)
        warm_s, warm = run_golive(base, out)
        files["/static/photo-7.svg"] = ("image/svg+xml", svg(7, "#d4351c"))
        kind, html = files["/page/12"]
        files["/page/12"] = (kind, html.replace(b"<h1>Page 12</h1>", b"<h1>Page 12 (updated)</h1>"))
        changed_s, changed = run_golive(base, out)
    return {
        "cold_s": cold_s,
        "warm_s": warm_s,
        "changed_s": changed_s,
        "cold_reused": len(reused_pages(cold)),
        "warm_reused": len(reused_pages(warm)),
        "changed_reused": len(reused_pages(changed)),
        "changed_audited_again": sorted(row["page"] for row in changed["details"]["by_page"] if not row.get("reused")),
        "warm_findings_identical": fingerprints(cold) == fingerprints(warm),
        "findings": len(cold["findings"]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rounds and print the times; exit 1 when the target is missed or findings differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=1, help="rounds to run (the median is reported)")
    args = parser.parse_args(argv)
    rounds = [one_round(site_files()) for _ in range(args.repeat)]
    rounds.sort(key=lambda item: item["cold_s"] / item["warm_s"])
    median = rounds[len(rounds) // 2]
    ratio = median["cold_s"] / median["warm_s"]
    print(f"pages: {PAGE_COUNT}, findings: {median['findings']}, rounds: {len(rounds)} (median by ratio)")
    print(f"cold run (nothing cached):    {median['cold_s']:6.2f} s, {median['cold_reused']} pages reused")
    print(f"second run (nothing changed): {median['warm_s']:6.2f} s, {median['warm_reused']} pages reused")
    print(f"after changing 2 pages:       {median['changed_s']:6.2f} s, {median['changed_reused']} pages reused")
    print(f"audited again after the change: {', '.join(median['changed_audited_again'])}")
    print(f"speed-up of the second run: {ratio:.1f}x (target {TARGET_RATIO:g}x)")
    print(f"findings identical to the cold run: {median['warm_findings_identical']}")
    ok = ratio >= TARGET_RATIO and median["warm_findings_identical"] and median["warm_reused"] == PAGE_COUNT
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
