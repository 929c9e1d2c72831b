"""Run Wapiti as a subprocess for one scan and return the record saved as `wapiti_scan.json`.

Wapiti runs in its own process group with a private home, session store and config folder (so nothing is left in
the user's ~/.wapiti and no earlier session leaks into this one), a JSON report, and a hard deadline after which
the whole group is stopped. Ctrl-C in golive stops it the same way. Wapiti's own limits (max scan time, max attack
time per module) normally end the scan first; when they do, or a module stops on an error, the scan is partial.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.openapi import OpenApiError, get_example_paths, read_definition
from harness.suite import Target
from suites.security.settings import WapitiSettings
from suites.security.wapiti_command import (
    ModuleChoice,
    ScanFiles,
    choose_modules,
    header_arguments,
    masked_command,
    wapiti_command,
)
from suites.security.wapiti_session import salvage_report

SaveArtifact = Callable[[str, str], object]
LOG_NAME = "wapiti.log"
REPORT_NAME = "wapiti_report.json"
VERSION_TIMEOUT = 30.0
# Slack after Wapiti's own limits before golive stops the process group itself.
DEADLINE_SLACK = 60.0
STOP_GRACE = 5.0
LOG_TAIL_CHARS = 300
INSTALL_HINT = (
    "install it with `apt-get install wapiti` (Debian, Ubuntu), or `pipx install wapiti3` "
    "(a virtual environment of its own), or set security.wapiti.executable"
)
# Wapiti prints in the user's language; golive reads its messages and category names in English.
_ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "LANGUAGE": "en"}
_URLS_FOUND = re.compile(r"Wapiti found (\d+) URLs and forms")
_MODULE = re.compile(r"\[\*\] Launching module (\w+)")
_ATTACK_LIMIT = re.compile(r"Max attack time was reached for module (\w+)")
_SKIPPED = re.compile(r"(\d+) requests were skipped due to network issues")
_EXCEPTION = re.compile(r"^(\w+(?:Error|Exception|Exit)\b.*)$")


# Wapiti is a Python script; golive starts it through this launcher, for two reasons:
# - Wapiti 3.0.4 compiles every exclusion (-x) as `pattern\Z(?ms)`, which Python 3.11 refuses ("global flags not
#   at the start"), so any exclusion would crash it. The launcher puts the flags first (the same pattern).
# - Header values (-H) would be on the command line, which every user of the machine can read in the process
#   list. The launcher takes them from the environment, which only the same user can read, and adds them to
#   Wapiti's arguments inside the process.
HEADERS_VARIABLE = "GOLIVE_WAPITI_HEADER_ARGS"
_LAUNCHER = """
import json, os, re, runpy, sys
try:
    from wapitiCore.net import crawler
except ImportError:
    crawler = None
if crawler is not None and hasattr(crawler, "wildcard_translate"):
    def wildcard_translate(pattern):
        return re.compile("(?ms)" + ".*".join(re.escape(part) for part in pattern.split("*")) + r"\\Z")
    crawler.wildcard_translate = wildcard_translate
script = sys.argv[1]
headers = json.loads(os.environ.pop(HEADERS_VARIABLE, "[]"))
sys.argv = [script, *sys.argv[2:], *headers]
runpy.run_path(script, run_name="__main__")
""".replace("HEADERS_VARIABLE", repr(HEADERS_VARIABLE))


def python_launched(command: list[str]) -> list[str]:
    """The command run through the launcher when Wapiti is a Python script; as it is otherwise."""
    try:
        with open(command[0], "rb") as script:
            first = script.readline(200).decode("utf-8", "replace")
    except OSError:
        return command
    interpreter = first[2:].strip().split() if first.startswith("#!") else []
    if not interpreter or "python" not in Path(interpreter[-1]).name:
        return command
    return [*interpreter, "-c", _LAUNCHER, *command]


def find_wapiti(executable: str, environ: Mapping[str, str]) -> str | None:
    """The Wapiti command to run: a path as given, or the name looked up on PATH."""
    if os.sep in executable:
        return executable if os.access(executable, os.X_OK) else None
    return shutil.which(executable, path=environ.get("PATH"))


def _english(environ: Mapping[str, str], home: Path | None = None) -> dict[str, str]:
    environment = {**environ, **_ENGLISH}
    if home is not None:
        environment["HOME"] = str(home)
    return environment


def _ask(executable: str, option: str, environ: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """What Wapiti prints for one informational option (--version, --help), in English, never waiting on stdin."""
    return subprocess.run(
        [executable, option],
        capture_output=True,
        text=True,
        timeout=VERSION_TIMEOUT,
        env=_english(environ),
        stdin=subprocess.DEVNULL,
        check=False,
    )


def wapiti_version(executable: str, environ: Mapping[str, str]) -> str:
    """Wapiti's version (`3.0.4`), read from `wapiti --version`; raises OSError if it cannot run."""
    completed = _ask(executable, "--version", environ)
    found = re.findall(r"Wapiti[- ]v?(\d+(?:\.\d+)+)", completed.stdout + completed.stderr)
    if not found:
        raise OSError(f"`{executable} --version` did not print a Wapiti version (exit code {completed.returncode})")
    return str(found[-1])


def supports_option(executable: str, option: str, environ: Mapping[str, str]) -> bool:
    """Whether this Wapiti's --help lists an option (newer versions add --swagger)."""
    try:
        completed = _ask(executable, "--help", environ)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in completed.stdout


def read_log_notes(log: str, settings: WapitiSettings) -> dict[str, Any]:
    """What Wapiti's console output says about the scan: URLs found, limits reached, modules that failed."""
    notes: dict[str, Any] = {"urls_found": None, "partial": [], "module_errors": [], "modules_run": []}
    module = "crawl"
    lines = log.splitlines()
    for index, line in enumerate(lines):
        text = line.strip()
        if found := _URLS_FOUND.search(text):
            notes["urls_found"] = int(found.group(1))
        elif started := _MODULE.search(text):
            module = started.group(1)
            notes["modules_run"].append(module)
        elif "Max scan time was reached" in text:
            notes["partial"].append(
                f"crawl stopped at its {settings.max_scan_time:g}s limit (security.wapiti.max_scan_time)"
            )
        elif limited := _ATTACK_LIMIT.search(text):
            notes["partial"].append(
                f"module {limited.group(1)} stopped at its {settings.max_attack_time:g}s limit "
                f"(security.wapiti.max_attack_time)"
            )
        elif skipped := _SKIPPED.search(text):
            notes["partial"].append(f"module {module} skipped {skipped.group(1)} requests after network errors")
        elif (failure := _EXCEPTION.match(text)) and index + 1 < len(lines) and lines[index + 1].startswith("  File"):
            message = f"module {module} stopped on an error ({failure.group(1)[:200]})"
            notes["module_errors"].append(message)
            notes["partial"].append(message)
    return notes


def _stop_group(process: subprocess.Popen[bytes]) -> str | None:
    """Stop Wapiti's process group (started by golive, stopped by its id); return the signal that ended it."""
    if process.poll() is not None:
        return None
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return sig.name
        try:
            process.wait(STOP_GRACE)
            return sig.name
        except subprocess.TimeoutExpired:
            continue
    return "SIGKILL"


def hard_deadline(settings: WapitiSettings, modules: Sequence[str]) -> float:
    """Seconds after which golive stops Wapiti itself: its own limits plus slack for the report."""
    return settings.max_scan_time + settings.max_attack_time * max(1, len(modules)) + DEADLINE_SLACK


def _run(
    command: list[str], files: ScanFiles, deadline_s: float, environ: Mapping[str, str], progress: Callable[[str], None]
) -> tuple[int | None, str | None, float]:
    """Run Wapiti until it exits or the deadline passes; returns the exit code, the stop signal, the duration."""
    began = time.monotonic()
    log_path = files.workdir / LOG_NAME
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=files.workdir,
            env=_english(environ, files.workdir),
            start_new_session=True,
        )
    stopped_by: str | None = None
    shown = ""
    try:
        while process.poll() is None and time.monotonic() - began < deadline_s:
            time.sleep(0.5)
            modules = _MODULE.findall(log_path.read_text(encoding="utf-8", errors="replace"))
            current = f"Wapiti: module {modules[-1]}" if modules else "Wapiti: crawling"
            if current != shown:
                progress(current)
                shown = current
    finally:
        # Reached on the deadline and on Ctrl-C alike: nothing golive started outlives the run.
        if process.poll() is None:
            stopped_by = _stop_group(process)
    return process.returncode, stopped_by, round(time.monotonic() - began, 3)


def _openapi_seed(
    openapi: str, executable: str, target: Target, environ: Mapping[str, str]
) -> tuple[list[str], list[str], dict[str, Any]]:
    """Extra Wapiti options and start URLs from the definition, and what the report should say about it."""
    if not openapi:
        return [], [], {}
    if supports_option(executable, "--swagger", environ):
        return ["--swagger", openapi], [], {"definition": openapi, "used": "imported with Wapiti's --swagger"}
    try:
        example_paths = get_example_paths(read_definition(openapi))
    except OpenApiError as error:
        return [], [], {"definition": openapi, "used": False, "error": str(error)}
    info: dict[str, Any] = {
        "definition": openapi,
        "used": "seeded" if example_paths.paths else False,
        "seeded": example_paths.paths,
        "not_covered": example_paths.skipped,
        "note": "this Wapiti cannot import OpenAPI: its GET operations with examples were seeded as start URLs; "
        "other operations were not scanned",
    }
    return [], [target.resolve(path) for path in example_paths.paths], info


def _base_record(target: Target, settings: WapitiSettings, mode: str) -> dict[str, Any]:
    return {
        "engine": "wapiti",
        "target": target.url,
        "mode": mode,
        "executable": settings.executable,
        "wapiti_version": None,
        "error": None,
        "error_kind": None,
        "hint": None,
        "partial": [],
    }


def run_wapiti_scan(
    target: Target,
    settings: WapitiSettings,
    mode: str,
    progress: Callable[[str], None],
    save: SaveArtifact | None = None,
    ignored_modules: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    openapi: str = "",
) -> dict[str, Any]:
    """Scan the target with Wapiti; never raises for Wapiti's problems (they are recorded as the error)."""
    env = dict(os.environ if environ is None else environ)
    keep: SaveArtifact = save or (lambda name, text: None)
    record = _base_record(target, settings, mode)
    executable = find_wapiti(settings.executable, env)
    if executable is None:
        record.update(
            error=f"Wapiti not found: no {settings.executable!r} on PATH",
            error_kind="missing",
            hint=INSTALL_HINT,
        )
        return record
    try:
        record["wapiti_version"] = wapiti_version(executable, env)
    except (OSError, subprocess.TimeoutExpired) as error:
        record.update(error=f"Wapiti at {executable} does not run: {error}", error_kind="failed")
        return record
    choice = choose_modules(settings, mode, target, ignored_modules)
    record.update(modules=list(choice.modules), modules_left_out=choice.left_out)
    if not choice.modules:
        record.update(error="no Wapiti modules left to run (security.wapiti.modules)", error_kind="config")
        return record
    workdir = Path(tempfile.mkdtemp(prefix="golive-wapiti-"))
    try:
        _scan(executable, target, settings, choice, ScanFiles(workdir), record, keep, env, progress, openapi)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return record


def _scan(
    executable: str,
    target: Target,
    settings: WapitiSettings,
    choice: ModuleChoice,
    files: ScanFiles,
    record: dict[str, Any],
    save: SaveArtifact,
    environ: Mapping[str, str],
    progress: Callable[[str], None],
    openapi: str,
) -> None:
    with_cookies = files.prepare(target)
    extra, start_urls, openapi_info = _openapi_seed(openapi, executable, target, environ)
    if openapi_info:
        record["openapi"] = openapi_info
    command = wapiti_command(executable, target, settings, choice.modules, files, with_cookies, start_urls) + extra
    headers = header_arguments(target)
    record.update(
        command=masked_command([*command, *headers], dict(target.headers)),
        headers_sent=[name for name in target.headers if name.lower() != "cookie"],
        cookies_sent=with_cookies,
        deadline_s=hard_deadline(settings, choice.modules),
    )
    launched = python_launched(command)
    record["launcher"] = launched[0] != executable
    if record["launcher"]:
        environ = {**environ, HEADERS_VARIABLE: json.dumps(headers)}
    else:  # not a Python script: -x may not work, and the header values go on the command line after all
        launched += headers
    record["headers_on_command_line"] = bool(headers) and not record["launcher"]
    progress(f"Wapiti {record['wapiti_version']}: {', '.join(choice.modules)} on {target.url}")
    exit_code, stopped_by, duration = _run(launched, files, record["deadline_s"], environ, progress)
    log = (files.workdir / LOG_NAME).read_text(encoding="utf-8", errors="replace")
    save(LOG_NAME, log)
    notes = read_log_notes(log, settings)
    record.update(exit_code=exit_code, stopped_by=stopped_by, duration_s=duration, log=LOG_NAME, **notes)
    if stopped_by is not None:
        _stopped_at_deadline(record, files)
        return
    if not files.report.is_file():
        record.update(error=_no_report_error(exit_code, log), error_kind="failed")
        return
    text = files.report.read_text(encoding="utf-8", errors="replace")
    save(REPORT_NAME, text)
    try:
        record["report"] = json.loads(text)
    except ValueError:
        record.update(error="Wapiti's JSON report could not be read", error_kind="failed")


def _no_report_error(exit_code: int | None, log: str) -> str:
    """Why Wapiti left no report: killed by a signal golive did not send, or failed with its last log lines."""
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        return f"Wapiti was killed by {name} mid-scan (not by golive), before it wrote its report"
    tail = " | ".join(line.strip() for line in log.strip().splitlines()[-3:])[-LOG_TAIL_CHARS:]
    return f"Wapiti exited with code {exit_code} without a report: {tail}"


def _stopped_at_deadline(record: dict[str, Any], files: ScanFiles) -> None:
    """Wapiti was stopped before its report: keep what its session database holds, as a partial scan."""
    salvaged = salvage_report(files.session)
    if salvaged is None:
        record["partial"].append(f"Wapiti stopped by golive at its {record['deadline_s']:g}s deadline")
        record.update(error=_deadline_error(record), error_kind="timeout")
        return
    record["report"], crawled = salvaged
    record["report_source"] = "session database"
    record["urls_found"] = max(int(record.get("urls_found") or 0), crawled)
    record["partial"].append(
        f"Wapiti stopped by golive at its {record['deadline_s']:g}s deadline ({record['stopped_by']}), before its "
        f"report: findings so far read from its session database"
    )


def _deadline_error(record: Mapping[str, Any]) -> str:
    return (
        f"Wapiti did not finish within {record['deadline_s']:g}s and was stopped ({record['stopped_by']}): "
        f"lower security.wapiti.max_scan_time / max_attack_time, or use fewer modules"
    )
