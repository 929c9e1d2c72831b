"""Reading the evidence files a team supplies: coverage reports, JUnit reports, documents.

Each reader returns plain facts (numbers, dates, what went wrong) for the artifacts; judging is elsewhere. A file
that cannot be read or parsed gives an `error` fact naming the file and the problem, never a number.
"""

from __future__ import annotations

import datetime as dt
import glob
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any


def _modified(path: Path) -> str:
    """The file's modification time as an ISO date-time in UTC."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).isoformat(timespec="seconds")


def _parse(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        raise ValueError(f"{path} is not valid XML ({error})") from None


def file_facts(path_text: str) -> dict[str, Any]:
    """Whether a document exists, its size and its modification time."""
    path = Path(path_text)
    if not path.is_file():
        return {"path": path_text, "found": False}
    return {"path": path_text, "found": True, "size": path.stat().st_size, "modified": _modified(path)}


def _rate(element: ET.Element, rate: str, valid: str, covered: str) -> tuple[float | None, int | None]:
    """A rate from Cobertura attributes: `rate` as written, else covered / valid; with the count of valid lines."""
    count = element.get(valid)
    total = int(float(count)) if count not in (None, "") else None
    written = element.get(rate)
    if written not in (None, ""):
        return float(written), total
    hits = element.get(covered)
    if total and hits not in (None, ""):
        return float(hits) / total, total
    return None, total


def _jacoco_rates(root: ET.Element) -> dict[str, Any]:
    """Line and branch rates from the report-level counters of JaCoCo's own XML format."""
    facts: dict[str, Any] = {"format": "jacoco"}
    for counter in root.findall("counter"):
        kind = counter.get("type")
        missed, covered = int(counter.get("missed", "0")), int(counter.get("covered", "0"))
        total = missed + covered
        if kind == "LINE":
            facts["line_rate"], facts["lines_valid"] = (covered / total if total else None), total
        elif kind == "BRANCH":
            facts["branch_rate"], facts["branches_valid"] = (covered / total if total else None), total
    return facts


def coverage_facts(path_text: str) -> dict[str, Any]:
    """Line and branch rates of a coverage report in Cobertura XML (or JaCoCo's own XML)."""
    facts = file_facts(path_text)
    if not facts["found"]:
        return facts
    try:
        root = _parse(Path(path_text))
    except (ValueError, OSError) as error:
        return {**facts, "error": str(error)}
    if root.tag == "report":
        return {**facts, **_jacoco_rates(root)}
    if root.tag != "coverage":
        return {**facts, "error": f"{path_text} is not a Cobertura report (its root element is <{root.tag}>)"}
    try:
        line_rate, lines = _rate(root, "line-rate", "lines-valid", "lines-covered")
        branch_rate, branches = _rate(root, "branch-rate", "branches-valid", "branches-covered")
    except ValueError as error:
        return {**facts, "error": f"{path_text} has a rate that is not a number ({error})"}
    return {
        **facts,
        "format": "cobertura",
        "line_rate": line_rate,
        "lines_valid": lines,
        "branch_rate": branch_rate,
        "branches_valid": branches,
    }


def _count_cases(root: ET.Element) -> dict[str, int]:
    """Test cases and how they ended, counted from the <testcase> elements (totals attributes are optional)."""
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in root.iter("testcase"):
        counts["tests"] += 1
        if case.find("failure") is not None:
            counts["failures"] += 1
        elif case.find("error") is not None:
            counts["errors"] += 1
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
    return counts


def junit_facts(pattern: str) -> dict[str, Any]:
    """Totals over every JUnit XML file the pattern matches, and the newest file's modification time."""
    paths = sorted(Path(name) for name in glob.glob(pattern, recursive=True) if Path(name).is_file())
    facts: dict[str, Any] = {"path": pattern, "files": [str(path) for path in paths], "found": bool(paths)}
    if not paths:
        return facts
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    problems = []
    for path in paths:
        try:
            root = _parse(path)
        except (ValueError, OSError) as error:
            problems.append(str(error))
            continue
        if root.tag not in ("testsuites", "testsuite"):
            problems.append(f"{path} is not a JUnit report (its root element is <{root.tag}>)")
            continue
        for key, value in _count_cases(root).items():
            totals[key] += value
    facts.update(totals)
    facts["modified"] = max(_modified(path) for path in paths)
    if problems:
        facts["error"] = "; ".join(problems)
    return facts
