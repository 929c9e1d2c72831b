"""The trend page as a user gets it: real `golive run` and `golive history --html` against a local server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import Route, run_golive, serve

pytestmark = pytest.mark.integration

SECRET = "tk-9f3c1e7a5b2d"
PAGE = "<!DOCTYPE html><html lang='en'><title>Shop</title><main><h1>Shop</h1><p>Open.</p></main></html>"
# Probes that expect words the page does not have fail: a NOT_READY run of the same target.
NOT_READY = ("--set", 'availability.expect_text="Closed for maintenance"')
_ENV = {"TREND_E2E_KEY": SECRET}


def _config(folder: Path) -> Path:
    config = folder / "golive.toml"
    config.write_text(
        '[target]\nheaders = { "X-Api-Key" = "${TREND_E2E_KEY}" }\n[availability]\nrequests = 3\nwindow = "1s"\n',
        encoding="utf-8",
    )
    return config


def _run(folder: Path, url: str, out: Path, *extra: str) -> tuple[int, str, str]:
    done = run_golive(
        "run",
        "--config",
        str(_config(folder)),
        "--target",
        url,
        "--suite",
        "availability",
        "--out",
        str(out),
        *extra,
        cwd=folder,
        env=_ENV,
    )
    return done.returncode, done.stdout, done.stderr


def _marks(page: str) -> list[str]:
    return re.findall(r'<li class="mark mark-([a-z-]+)">', page)


def test_every_run_rewrites_the_page_and_history_html_writes_it_again(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with serve({"/": Route(PAGE)}) as server:
        code, stdout, _ = _run(tmp_path, server.url, out, "--label", f"nightly-{SECRET}")
        assert code == 0
        assert f"Trends: {out / 'index.html'}" in stdout.splitlines()
        assert _marks((out / "index.html").read_text(encoding="utf-8")) == ["ready"]
        assert _run(tmp_path, server.url, out, *NOT_READY)[0] == 1
    page = (out / "index.html").read_text(encoding="utf-8")
    assert _marks(page) == ["ready", "not-ready"]
    assert SECRET not in page and "nightly-***" in page
    # Every report link is relative and leads to the run's report beside the page.
    links = re.findall(r'<a href="([^"#]+)">', page)
    assert links and all(not link.startswith(("/", "http")) and (out / link).is_file() for link in links)

    (out / "index.html").unlink()
    config = str(_config(tmp_path))
    rewritten = run_golive("history", "--html", "--config", config, "--out", str(out), cwd=tmp_path, env=_ENV)
    assert rewritten.returncode == 0, rewritten.stderr
    assert rewritten.stdout.strip() == str(out / "index.html")
    again = (out / "index.html").read_text(encoding="utf-8")
    assert _marks(again) == ["ready", "not-ready"] and SECRET not in again


@pytest.mark.parametrize(("extra", "verdict", "code"), [((), "READY", 0), (NOT_READY, "NOT_READY", 1)])
def test_a_page_that_cannot_be_written_never_changes_the_verdict_or_exit_code(
    tmp_path: Path, extra: tuple[str, ...], verdict: str, code: int
) -> None:
    out = tmp_path / "reports"
    (out / "index.html").mkdir(parents=True)  # a folder where the page should go: writing it fails
    with serve({"/": Route(PAGE)}) as server:
        returncode, stdout, stderr = _run(tmp_path, server.url, out, *extra)
    assert returncode == code, stderr
    assert f"Verdict: {verdict}" in stdout
    assert json.loads((out / "latest" / "result.json").read_text(encoding="utf-8"))["verdict"] == verdict
    warnings = [line for line in stderr.splitlines() if "trend page" in line]
    assert len(warnings) == 1 and warnings[0].startswith("golive: the trend page") and "was not written" in warnings[0]
    assert warnings[0].endswith("was not written: Is a directory")
    assert "Trends:" not in stdout
    assert (out / "index.html").is_dir()
