"""Benchmark golive's accessibility audit against pa11y-ci (axe runner) and @axe-core/cli on the same 30 pages.

Usage, from the repository root (after bench/accessibility/install-tools.sh DIR)::

    .venv/bin/python -m bench.accessibility.run --tools DIR [--repeat 3] [--concurrency 1,2,3,4]

Every tool audits the same 30 pages served on 127.0.0.1 with the same WCAG tags, in Debian's Chromium (or the
one given with --chromium). Each run is timed from the command's start to its exit, as a CI job would see it.
The script prints pages per second per tool, the ratios to golive, and the violations found by rule, side by
side; --json writes all of it to a file.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.accessibility.site import PAGES, serve_site

REPO_ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PA11Y_CONCURRENCY = 4
PA11Y = "pa11y-ci (axe, concurrency 4)"
AXE_CLI = "@axe-core/cli"
FLOOR = "bare axe (floor.py)"


def timed(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, str]:
    """Run a command; return its wall-clock seconds and its standard output (raise if it could not run)."""
    started = time.monotonic()
    completed = subprocess.run(
        list(command), capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=900
    )
    elapsed = time.monotonic() - started
    if completed.returncode not in (0, 1, 2):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{command[0]} exited {completed.returncode}: {' | '.join(tail)}")
    return elapsed, completed.stdout


def run_golive(
    base: str, urls: list[str], chromium: str, extra: Sequence[str], out: Path
) -> tuple[float, Counter[str]]:
    """golive's accessibility suite through its CLI; returns seconds and violation nodes per rule."""
    sets = [f"accessibility.pages={json.dumps(urls)}", f'browser.executable="{chromium}"', *extra]
    command = [sys.executable, "-m", "harness", "run", "--target", base, "--suite", "accessibility"]
    for option in sets:
        command += ["--set", option]
    elapsed, _ = timed([*command, "--out", str(out)], cwd=REPO_ROOT)
    result = json.loads((out / "latest" / "result.json").read_text())
    suite = result["suites"]["accessibility"]
    if suite["metrics"]["pages_audited"] != len(urls):
        raise RuntimeError(f"golive audited {suite['metrics']['pages_audited']} of {len(urls)} pages")
    return elapsed, Counter(finding["rule"] for finding in suite["findings"])


def run_floor(urls: list[str], chromium: str, concurrency: int) -> tuple[float, Counter[str]]:
    """The bare axe audit of floor.py (launch, navigate, axe.run, nothing else); returns seconds and nodes per rule."""
    command = [sys.executable, "-m", "bench.accessibility.floor", "--chromium", chromium]
    elapsed, output = timed([*command, "--concurrency", str(concurrency), *urls], cwd=REPO_ROOT)
    return elapsed, Counter(json.loads(output)["violations"])


def best_practice_rules(tools: Path) -> list[str]:
    """axe's best-practice rule ids, which pa11y's axe runner always adds; they are switched off to compare."""
    script = (
        "const axe = require('axe-core');"
        "console.log(JSON.stringify(axe.getRules(['best-practice']).map((rule) => rule.ruleId)))"
    )
    output = subprocess.run(
        ["node", "-e", script], cwd=tools / "node_modules" / "pa11y", capture_output=True, text=True, check=True
    )
    rules: list[str] = json.loads(output.stdout)
    return rules


def run_pa11y(tools: Path, urls: list[str], chromium: str, folder: Path) -> tuple[float, Counter[str]]:
    """pa11y-ci with its axe runner, concurrency 4, no incognito contexts; returns seconds and errors per rule."""
    config = {
        "defaults": {
            "runners": ["axe"],
            "standard": "WCAG2AA",
            # pa11y maps WCAG2AA to wcag2a/2aa/21a/21aa plus best-practice: drop best-practice, add WCAG 2.2's
            # target-size, so that every tool runs the same rules.
            "ignore": best_practice_rules(tools),
            "rules": ["target-size"],
            "concurrency": PA11Y_CONCURRENCY,
            "useIncognitoBrowserContext": False,
            "timeout": 60000,
            "chromeLaunchConfig": {"executablePath": chromium, "args": ["--no-sandbox", "--disable-gpu"]},
            # pa11y-ci's --json output to a pipe is cut short when it exits; its JSON reporter writes a file.
            "reporters": [["json", {"fileName": str(folder / "pa11y-ci.json")}]],
        },
        "urls": urls,
    }
    path = folder / "pa11yci.json"
    path.write_text(json.dumps(config))
    env = {"PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    elapsed, _ = timed([str(tools / "node_modules" / ".bin" / "pa11y-ci"), "--config", str(path)], env)
    report = json.loads((folder / "pa11y-ci.json").read_text())
    if report.get("errors", 0) and report.get("passes", 0) + len(report.get("results", {})) == 0:
        raise RuntimeError("pa11y-ci audited no page")
    rules: Counter[str] = Counter()
    for issues in report.get("results", {}).values():
        for issue in issues:
            if isinstance(issue, dict) and issue.get("type") == "error":
                rules[str(issue.get("code"))] += 1
            elif not isinstance(issue, dict) or "code" not in issue:
                raise RuntimeError(f"pa11y-ci could not audit a page: {issue}")
    return elapsed, rules


def run_axe_cli(
    tools: Path, urls: list[str], chromium: str, chromedriver: str, folder: Path
) -> tuple[float, Counter[str]]:
    """@axe-core/cli (Selenium + chromedriver, one page after another); returns seconds and nodes per rule."""
    command = [
        str(tools / "node_modules" / ".bin" / "axe"),
        *urls,
        "--tags",
        ",".join(TAGS),
        "--chrome-path",
        chromium,
        "--chromedriver-path",
        chromedriver,
        "--chrome-options",
        "no-sandbox,disable-gpu",
        "--save",
        "axe-cli.json",
        "--dir",
        str(folder),
        "--no-reporter",
    ]
    elapsed, _ = timed(command)
    results = json.loads((folder / "axe-cli.json").read_text())
    if len(results) != len(urls):
        raise RuntimeError(f"@axe-core/cli reported {len(results)} of {len(urls)} pages")
    rules: Counter[str] = Counter()
    for page in results:
        for violation in page.get("violations", []):
            rules[violation["id"]] += len(violation.get("nodes", []))
    return elapsed, rules


Measured = dict[str, list[float]]
Found = dict[str, Counter[str]]
# The default audit (axe, own checks, screenshots, reports) may cost at most this much more than bare axe.
FLOOR_RATIO_TARGET = 1.6


def golive_variants(concurrency: str) -> list[tuple[str, list[str]]]:
    """The golive configurations to time: default, axe alone, and the default at each concurrency asked for."""
    return [
        ("golive default", []),
        ("golive axe alone", ["accessibility.checks=[]", "accessibility.screenshots=false"]),
        *(
            (f"golive default, concurrency {value}", [f"accessibility.concurrency={value}"])
            for value in concurrency.split(",")
            if value
        ),
    ]


def other_runners(
    args: argparse.Namespace, urls: list[str], folder: Path
) -> list[tuple[str, Callable[[], tuple[float, Counter[str]]]]]:
    """The bare-axe floor at each concurrency asked for, and pa11y-ci and @axe-core/cli when installed."""
    runners: list[tuple[str, Callable[[], tuple[float, Counter[str]]]]] = [
        (f"{FLOOR}, concurrency {value}", functools.partial(run_floor, urls, args.chromium, int(value)))
        for value in args.floor.split(",")
        if value
    ]
    if args.tools:
        runners += [
            (PA11Y, functools.partial(run_pa11y, args.tools, urls, args.chromium, folder)),
            (AXE_CLI, functools.partial(run_axe_cli, args.tools, urls, args.chromium, args.chromedriver, folder)),
        ]
    return runners


def measure(args: argparse.Namespace) -> tuple[Measured, Found]:
    """Run every tool `args.repeat` times, interleaved round by round."""
    measured: Measured = {}
    found: Found = {}
    with serve_site() as base, tempfile.TemporaryDirectory(prefix="golive-bench-") as scratch:
        urls = [base + path for path in PAGES]
        folder = Path(scratch)
        for round_number in range(args.repeat):
            for name, extra in golive_variants(args.concurrency):
                out = folder / f"golive-{round_number}-{len(measured)}"
                elapsed, rules = run_golive(base, urls, args.chromium, extra, out)
                measured.setdefault(name, []).append(elapsed)
                found.setdefault(name, rules)
                shutil.rmtree(out, ignore_errors=True)
            for name, runner in other_runners(args, urls, folder):
                try:
                    elapsed, rules = runner()
                except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:
                    print(f"{name}: could not run: {error}", file=sys.stderr)
                    continue
                measured.setdefault(name, []).append(elapsed)
                found.setdefault(name, rules)
            print(f"round {round_number + 1}/{args.repeat} done", file=sys.stderr)
    return measured, found


def print_speeds(measured: Measured, repeat: int) -> dict[str, float]:
    """The time table, the ratio of the default audit to the bare-axe floor, and the speed-ups; returns pages/s."""
    pages = len(PAGES)
    speeds = {name: pages / statistics.median(times) for name, times in measured.items()}
    print(f"\n{pages} pages, tags {', '.join(TAGS)}, median of {repeat} run(s), wall clock per command\n")
    print(f"{'tool':40} {'seconds':>8} {'pages/s':>8}  all runs (s)")
    for name, speed in speeds.items():
        runs = ", ".join(f"{value:.1f}" for value in measured[name])
        print(f"{name:40} {statistics.median(measured[name]):8.2f} {speed:8.2f}  {runs}")
    floors = {name: speed for name, speed in speeds.items() if name.startswith(FLOOR)}
    if floors and "golive default" in speeds:
        fastest = max(floors, key=floors.__getitem__)
        ratio = floors[fastest] / speeds["golive default"]
        verdict = "within" if ratio <= FLOOR_RATIO_TARGET else "over"
        print(f"\ngolive default takes {ratio:.2f}x the time of {fastest} ({verdict} {FLOOR_RATIO_TARGET}x)")
    print("\nspeed-up (pages/s ratio)")
    for ours, target in (("golive default", 2.0), ("golive axe alone", 3.0)):
        for theirs in (PA11Y, AXE_CLI):
            if ours in speeds and theirs in speeds:
                ratio = speeds[ours] / speeds[theirs]
                verdict = "meets" if ratio >= target else "misses"
                print(f"  {ours} vs {theirs}: {ratio:.2f}x ({verdict} the {target:g}x target)")
    if floors:
        fastest = max(floors, key=floors.__getitem__)
        print(f"\nceiling: the bare axe run ({fastest}) does no more than any axe-in-Chromium audit must")
        for theirs in (PA11Y, AXE_CLI):
            if theirs in speeds:
                print(f"  no such audit can beat {theirs} by more than {floors[fastest] / speeds[theirs]:.2f}x here")
    return speeds


def print_violations(found: Found) -> None:
    """Violations found per rule, side by side for the tools that report them."""
    tools = [name for name in ("golive default", PA11Y, AXE_CLI) if name in found]
    all_rules = sorted({rule for name in tools for rule in found[name]})
    print(f"\nviolations (element count) by rule\n{'rule':32}" + "".join(f"{name[:18]:>20}" for name in tools))
    for rule in all_rules:
        print(f"{rule:32}" + "".join(f"{found[name].get(rule, 0):>20}" for name in tools))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, help="folder where install-tools.sh put pa11y-ci and @axe-core/cli")
    parser.add_argument("--chromium", default=os.environ.get("GOLIVE_BENCH_CHROMIUM", DEBIAN_CHROMIUM))
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is reported")
    parser.add_argument("--concurrency", default="1,2,3,4", help="golive concurrency values to measure")
    parser.add_argument("--floor", default="2,4", help="concurrency values for the bare axe floor (floor.py)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    measured, found = measure(args)
    speeds = print_speeds(measured, args.repeat)
    print_violations(found)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"pages": len(PAGES), "seconds": measured, "pages_per_second": speeds, "violations": found}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
