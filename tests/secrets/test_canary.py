"""A canary through every suite at once: secrets from `${VAR}`, from `--set` and from golive's own sign-in are
found in no file golive writes (run folder, output folder, history database, tools' raw outputs) and not on the
console, in any spelling (raw, URL-encoded, JSON- or HTML-escaped, base64)."""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.auth.app import AUTH_CONFIG, LoginApp
from tests.secrets.app import running_echo_app
from tests.secrets.canary import leaking_files, leaks_in
from tests.security.zap_stub import STUB_KEY, ZapStubState, alert, zap_stub
from tests.support import REPO_ROOT, run_golive

pytestmark = pytest.mark.integration

# Each canary has characters that URL-encoding, JSON or HTML escaping write differently.
PASSWORD = 'cnry-Pw/9+&"q7'
API_KEY = "cnry-Key+5/zz81<"
PREF_COOKIE = "cnry-Cookie.Qm27"
BEARER = "cnry-Bearer-Lk40"
STATUS_TOKEN = "cnry-Tok-Vb63"
CONFIG = (
    """
[target]
headers = { "X-Api-Key" = "${API_KEY}" }
cookies = { prefs = "${PREF_COOKIE}" }
"""
    + AUTH_CONFIG
    + """
[performance]
paths = ["/account/", "/echo/", "/status/?token=${STATUS_TOKEN}"]
users = 2
spawn_rate = 2
duration = "3s"

[accessibility]
pages = ["/account/", "/echo/"]

[security]
engine = "wapiti"
mode = "baseline"
wapiti = { max_scan_time = 20, max_attack_time = 20 }

[availability]
urls = ["/status/?token=${STATUS_TOKEN}"]
requests = 3
window = "2s"

[[checklist.items]]
id = "status-page"
title = "The status page answers"
topic = "uptime-monitoring"
kind = "url"
url = "/status/?token=${STATUS_TOKEN}"
expect_status = [200]
"""
)


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """golive's own TMPDIR, to see what it leaves there; short, for Chromium's socket paths."""
    folder = Path(tempfile.mkdtemp(prefix="golive-s-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_no_canary_is_written_anywhere_by_any_suite(tmp_path: Path, private_tmp: Path) -> None:
    config = tmp_path / "golive.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    env = {
        "APP_USER": "ada", "APP_PASSWORD": PASSWORD, "API_KEY": API_KEY, "PREF_COOKIE": PREF_COOKIE,
        "STATUS_TOKEN": STATUS_TOKEN, "TMPDIR": str(private_tmp),
    }  # fmt: skip
    app: LoginApp
    with running_echo_app(PASSWORD, STATUS_TOKEN) as (app, url):
        done = run_golive(
            "run", "--target", url, "--config", str(config), "--out", str(out),
            "--set", f'target.headers.Authorization="Bearer {BEARER}"',
            cwd=REPO_ROOT, timeout=400, env=env,
        )  # fmt: skip
    console = done.stdout + done.stderr
    assert done.returncode in (0, 1), console
    result = json.loads((out / "latest" / "result.json").read_text(encoding="utf-8"))
    # Every suite ran and saw the secrets in use: signed in, the status token accepted, the headers sent.
    assert set(result["suites"]) == {"performance", "accessibility", "security", "availability", "checklist"}
    assert all(suite["status"] not in ("error", "skipped") for suite in result["suites"].values()), result["reasons"]
    assert result["suites"]["checklist"]["checks"][0]["status"] == "pass"
    assert result["suites"]["availability"]["status"] == "pass"
    assert app.logins == 1 and app.signed_in_requests("/echo/", agent="HeadlessChrome")
    assert app.signed_in_requests("/account/", agent="locust") or app.signed_in_requests("/account/", agent="python")
    secrets = [PASSWORD, API_KEY, PREF_COOKIE, BEARER, STATUS_TOKEN, *app.issued]
    run = out / "latest"
    # The secrets did pass through the tools: their own outputs hold the mask where a secret was.
    assert "-H Authorization: ***" in (run / "artifacts" / "security" / "wapiti_scan.json").read_text()
    assert "/status/?token=***" in (run / "artifacts" / "performance" / "locust_stats.csv").read_text()
    # The page echoing the headers failed its audit and was screenshotted (masked: test_screenshot_masking).
    assert (run / "artifacts" / "accessibility" / "pages" / "002-echo.jpeg").is_file()
    # Judging again, and the history commands, write and print nothing secret either.
    again = run_golive("evaluate", str(run), "--config", str(config), cwd=REPO_ROOT, timeout=120, env=env)
    assert again.returncode in (0, 1), again.stdout + again.stderr
    history = run_golive("history", "--out", str(out), "--config", str(config), "--json", cwd=REPO_ROOT, env=env)
    run_id = run.resolve().name
    shown = run_golive("history", "show", run_id, "--out", str(out), "--config", str(config), cwd=REPO_ROOT, env=env)
    trend = run_golive("history", "--out", str(out), "--config", str(config), "--html", cwd=REPO_ROOT, env=env)
    assert history.returncode == shown.returncode == trend.returncode == 0, history.stderr + shown.stderr
    console += "".join(done.stdout + done.stderr for done in (again, history, shown, trend))
    # Every file: reports, artifacts with Locust's and Wapiti's own outputs, screenshots, history.db, index.html.
    written = [path for path in out.rglob("*") if path.is_file()]
    assert {"history.db", "index.html", "result.json", "report.html"} <= {path.name for path in written}
    assert leaking_files(out, secrets) == {}
    assert leaks_in("\n".join(str(path.relative_to(out)) for path in written).encode(), secrets) == []
    assert leaks_in(console.encode(), secrets) == []
    # Nothing is left in golive's TMPDIR either (the storage state, Wapiti's session, Locust's files).
    assert leaking_files(private_tmp, secrets) == {}


def test_the_cookies_of_a_suite_s_own_storage_state_are_secrets_too(tmp_path: Path, private_tmp: Path) -> None:
    state_cookie = "cnry-State-3311"
    with running_echo_app(PASSWORD, STATUS_TOKEN) as (_, url):
        state = tmp_path / "state.json"
        cookie = {"name": "remember", "value": state_cookie, "domain": "127.0.0.1", "path": "/", "expires": -1}
        cookie |= {"httpOnly": True, "secure": False, "sameSite": "Lax"}
        state.write_text(json.dumps({"cookies": [cookie], "origins": []}), encoding="utf-8")
        out = tmp_path / "out"
        done = run_golive(
            "run", "--target", url, "--suite", "accessibility", "--out", str(out),
            "--set", 'accessibility.pages=["/echo/"]', "--set", f'accessibility.storage_state="{state}"',
            cwd=REPO_ROOT, timeout=120, env={"TMPDIR": str(private_tmp)},
        )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # the echo page's image has no text alternative
    # The browser sent the cookie and the page echoed it into the failing element: masked in axe's snippet.
    echoed = (out / "latest" / "artifacts" / "accessibility" / "pages" / "001-echo.json").read_text()
    assert 'data-request=\\"remember=***\\"' in echoed
    assert leaking_files(out, [state_cookie]) == {}
    assert leaks_in((done.stdout + done.stderr).encode(), [state_cookie]) == []


def test_zap_alerts_that_quote_secrets_are_masked_in_every_spelling(tmp_path: Path, private_tmp: Path) -> None:
    # A real ZAP's alert quotes what it saw: a reflected API key (URL-encoded), a Basic header (base64).
    basic = base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
    quoting = alert("10031", "User controllable HTML element attribute", "Low", "/echo/", evidence=quote(API_KEY))
    quoting["other"] = f"Authorization: Basic {basic}; Cookie: prefs={PREF_COOKIE}"
    config = tmp_path / "golive.toml"
    config.write_text(CONFIG + '\n[security.zap]\napi_key = "${ZAP_API_KEY}"\nlaunch = "never"\npoll_interval = 0.02\n')
    out = tmp_path / "out"
    env = {
        "APP_USER": "ada", "APP_PASSWORD": PASSWORD, "API_KEY": API_KEY, "PREF_COOKIE": PREF_COOKIE,
        "STATUS_TOKEN": STATUS_TOKEN, "ZAP_API_KEY": STUB_KEY, "TMPDIR": str(private_tmp),
    }  # fmt: skip
    with running_echo_app(PASSWORD, STATUS_TOKEN) as (app, url), zap_stub(ZapStubState(alerts=[quoting])) as zap:
        done = run_golive(
            "run", "--target", url, "--config", str(config), "--out", str(out), "--suite", "security",
            "--set", 'security.engine="zap"', "--set", f'security.zap.api_url="{zap.url}"',
            cwd=REPO_ROOT, timeout=200, env=env,
        )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    result = json.loads((out / "latest" / "result.json").read_text(encoding="utf-8"))
    assert "10031" in {finding["rule"] for finding in result["suites"]["security"]["findings"]}
    secrets = [PASSWORD, API_KEY, PREF_COOKIE, STATUS_TOKEN, STUB_KEY, *app.issued]
    assert leaking_files(out, secrets) == {}
    assert leaks_in((done.stdout + done.stderr).encode(), secrets) == []
