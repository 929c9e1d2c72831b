"""Wapiti's command line for one scan: the modules for the mode, the limits, the session and the exclusions.

Pure functions of the settings and the target, so what golive would run can be shown and tested without running it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from harness.suite import Target
from suites.security.settings import WapitiSettings

# Modules that only read what the crawl fetched: they send no attack payloads.
PASSIVE_MODULES = ("http_headers", "cookieflags", "csp")
# Full mode adds these attack modules (Wapiti 3.0.4 names): XSS (reflected and stored), SQL injection
# (error-based and blind), command execution, file handling, open redirect and CRLF.
ATTACK_MODULES = ("xss", "permanentxss", "sql", "blindsql", "exec", "file", "redirect", "crlf")
# Needs an out-of-band endpoint (security.wapiti.endpoint); Wapiti's default one is a public server.
ENDPOINT_MODULES = ("ssrf", "xxe")
# Wapiti loads every module it has, and its `wapp` module downloads a fingerprint database from the internet
# when none is stored: an empty one in golive's private config folder keeps Wapiti from reaching out.
WAPP_DATABASE = "apps.json"


@dataclass(frozen=True)
class ModuleChoice:
    """The modules to run, and the ones left out with the reason (shown in the report)."""

    modules: tuple[str, ...]
    left_out: dict[str, str] = field(default_factory=dict)


def choose_modules(
    settings: WapitiSettings, mode: str, target: Target, ignored_modules: Sequence[str] = ()
) -> ModuleChoice:
    """The modules for this mode: passive ones in baseline; attack ones too in full mode, on allowed hosts only."""
    wanted = list(settings.modules) or [*PASSIVE_MODULES, *ATTACK_MODULES, *ENDPOINT_MODULES]
    left_out: dict[str, str] = {}
    chosen: list[str] = []
    for name in dict.fromkeys(wanted):
        if name in ignored_modules:
            left_out[name] = "every rule it reports is IGNORE in the rules file"
        elif name in PASSIVE_MODULES:
            chosen.append(name)
        elif mode != "full":
            if settings.modules:
                left_out[name] = "an attack module, run only in full mode"
        elif not target.allows_load():
            left_out[name] = f"an attack module, and host {target.host} is not in target.allowed_hosts"
        elif name in ENDPOINT_MODULES and not settings.endpoint:
            # Said only when asked for by name: by default they are simply not part of the scan.
            if settings.modules:
                left_out[name] = "needs an out-of-band endpoint of your own (security.wapiti.endpoint)"
        else:
            chosen.append(name)
    return ModuleChoice(tuple(chosen), left_out)


def cookie_jar(target: Target) -> dict[str, dict[str, dict[str, dict[str, object]]]]:
    """The target's cookies (and any Cookie header) in Wapiti's JSON cookie-file format, for the target's host."""
    cookies = dict(target.all_cookies)  # the configured ones and the session of [auth]
    for name, value in target.headers.items():
        if name.lower() == "cookie":
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(value)
            cookies.update({key: morsel.value for key, morsel in parsed.items()})
    host = target.host
    # Wapiti keys an IP address as it is and a host name with a leading dot (cookielib's domain cookies).
    domain = host if host.replace(".", "").isdigit() or ":" in host else "." + host
    if "." not in host and not host.replace(".", "").isdigit():
        domain = f".{host}.local"  # cookielib needs a dot: Wapiti adds ".local" to single-label names
    entries: dict[str, dict[str, object]] = {
        name: {"value": value, "expires": None, "secure": False, "port": None, "version": 0}
        for name, value in cookies.items()
    }
    return {domain: {"/": entries}} if entries else {}


def header_arguments(target: Target) -> list[str]:
    """`-H "Name: value"` for every target header except Cookie (cookies go in the cookie file)."""
    arguments: list[str] = []
    for name, value in target.headers.items():
        if name.lower() != "cookie":
            arguments += ["-H", f"{name}: {value}"]
    return arguments


@dataclass(frozen=True)
class ScanFiles:
    """Where one scan keeps its files: Wapiti's session store, its config folder, the cookie file, the report."""

    workdir: Path

    @property
    def session(self) -> Path:
        """Wapiti's session database folder (--store-session), private to this scan."""
        return self.workdir / "session"

    @property
    def config(self) -> Path:
        """Wapiti's config folder (--store-config), private to this scan."""
        return self.workdir / "config"

    @property
    def cookies(self) -> Path:
        """The JSON cookie file (-c)."""
        return self.workdir / "cookies.json"

    @property
    def report(self) -> Path:
        """Wapiti's JSON report (-o)."""
        return self.workdir / "report.json"

    def prepare(self, target: Target) -> bool:
        """Create the folders, the empty fingerprint database and the cookie file; True if there are cookies."""
        self.session.mkdir(parents=True, exist_ok=True)
        self.config.mkdir(parents=True, exist_ok=True)
        (self.config / WAPP_DATABASE).write_text("{}", encoding="utf-8")
        jar = cookie_jar(target)
        if jar:
            self.cookies.touch(mode=0o600)
            self.cookies.write_text(json.dumps(jar), encoding="utf-8")
        return bool(jar)


def wapiti_command(
    executable: str,
    target: Target,
    settings: WapitiSettings,
    modules: Sequence[str],
    files: ScanFiles,
    with_cookies: bool,
    start_urls: Sequence[str] = (),
) -> list[str]:
    """The command line without the target's headers: `header_arguments` are added by the caller, through the
    environment where it can (see `suites.security.wapiti.python_launched`)."""
    command = [
        executable, "-u", target.url, "--scope", settings.scope, "-m", ",".join(modules),
        "-f", "json", "-o", str(files.report), "--flush-session",
        "--store-session", str(files.session), "--store-config", str(files.config),
        "--max-scan-time", f"{settings.max_scan_time:g}", "--max-attack-time", f"{settings.max_attack_time:g}",
        "-t", f"{settings.request_timeout:g}", "--no-bugreport", "-v", "1",
    ]  # fmt: skip
    if with_cookies:
        command += ["-c", str(files.cookies)]
    if settings.endpoint:
        command += ["--endpoint", settings.endpoint]
    for url in start_urls:
        command += ["-s", url]
    for pattern in settings.exclude:
        command += ["-x", target.resolve(pattern)]
    for pattern in target.logout:  # sign-out links (auth.logout) would end the session the scan relies on
        command += ["-x", target.resolve(pattern)]
    return command + list(settings.extra_args)


def masked_command(command: Sequence[str], secrets: Mapping[str, str]) -> str:
    """The command as text with every header value replaced by ***."""
    shown: list[str] = []
    for part in command:
        for value in secrets.values():
            if value:
                part = part.replace(value, "***")
        shown.append(part)
    return " ".join(shown)
