"""What a Wapiti that golive had to stop had already found, read from its session database.

Wapiti writes its JSON report only at the end, but it stores each finding in its session database (SQLite) as soon
as it proves it. When golive stops Wapiti at the hard deadline, the findings so far are read from there, in the
shape of the JSON report, so the scan counts as partial (as a ZAP phase cut short does) instead of being lost.
The tables read are those of Wapiti 3.0.x; a database of another shape gives nothing, never a guess.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

_SECTIONS = {"vulnerability": "vulnerabilities", "anomaly": "anomalies", "additional": "additionals"}
_FINDINGS = """
    SELECT payloads.evil_path, payloads.category, payloads.level, payloads.parameter, payloads.info,
           payloads.type, paths.path, paths.method
    FROM payloads JOIN paths ON paths.path_id = payloads.evil_path
"""


def _request_line(connection: sqlite3.Connection, path_id: int, url: str, method: str) -> str:
    query = connection.execute(
        "SELECT name, value1 FROM params WHERE path_id = ? AND type = 'GET' ORDER BY param_order", (path_id,)
    ).fetchall()
    parts = urlsplit(url)
    target = parts.path or "/"
    if query:
        target += "?" + urlencode([(str(name), str(value or "")) for name, value in query])
    return f"{method} {target} HTTP/1.1\nHost: {parts.netloc}"


def salvage_report(session_dir: Path) -> tuple[dict[str, Any], int] | None:
    """The findings stored so far, shaped like Wapiti's JSON report, and the number of URLs crawled; None if
    there is no readable session database."""
    databases = sorted(session_dir.glob("*.db"))
    if not databases:
        return None
    report: dict[str, Any] = {section: {} for section in _SECTIONS.values()}
    try:
        connection = sqlite3.connect(f"file:{databases[0]}?mode=ro", uri=True)
        try:
            crawled = int(connection.execute("SELECT count(*) FROM paths WHERE evil = 0").fetchone()[0])
            for path_id, category, level, parameter, info, kind, url, method in connection.execute(_FINDINGS):
                section = report[_SECTIONS.get(str(kind), "anomalies")]
                section.setdefault(str(category), []).append(
                    {
                        "method": str(method),
                        "path": urlsplit(str(url)).path or "/",
                        "info": str(info or ""),
                        "level": level,
                        "parameter": str(parameter or ""),
                        "http_request": _request_line(connection, int(path_id), str(url), str(method)),
                    }
                )
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return report, crawled
