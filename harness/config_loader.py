"""Load the configuration: embedded defaults, then the file, then a profile, then `--set`, then validate.

Every error is a `ConfigError` whose message names the source, the key and what was expected, because the
person reading it has to fix a file, not read a traceback.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import ValidationError

from harness.config_errors import describe_validation_error, validation_problems
from harness.errors import ConfigError
from harness.redaction import Redactor
from harness.registry import default_suites, full_config_model, loadable_suites, suite_names
from harness.settings import GoliveConfig

DEFAULT_CONFIG_NAME = "golive.toml"
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Query parameters whose values are credentials.
_TOKEN_NAME = re.compile(r"token|key|secret|password|passwd|pwd|auth|signature|sig|session|code", re.IGNORECASE)
# Keys whose values are secrets even when written literally in a file (suites add their own).
_SECRET_SECTIONS = (("target", "headers"), ("target", "cookies"))
# Keys whose whole value is a secret: a webhook URL is a credential in itself.
_SECRET_VALUES = (("notify", "webhook"),)


__all__ = ["ConfigError", "LoadedConfig", "deep_merge", "find_default_config", "load_config", "parse_set_option"]


@dataclass(frozen=True)
class LoadedConfig:
    """A validated configuration with the secret values it holds (to be redacted from every output)."""

    config: GoliveConfig
    secrets: frozenset[str]
    sources: tuple[str, ...]
    profile: str | None = None


def _defaults() -> dict[str, Any]:
    """The harness's embedded defaults, then each suite's section defaults (every section present)."""
    text = resources.files("harness").joinpath("defaults.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    for name, cls in loadable_suites().items():
        raw[name] = deep_merge(copy.deepcopy(dict(cls.defaults)), raw.get(name, {}))
    return raw


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except OSError as error:
        raise ConfigError(f"config file {path} cannot be read: {error.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None


# The keys of a threshold band; a band given at one layer replaces the band below it whole.
BAND_KEYS = frozenset({"warn", "fail", "warn_below", "fail_below", "warn_regression", "fail_regression"})


def _is_band(path: tuple[str, ...], value: Any) -> bool:
    """A threshold band: a table of band keys inside a `thresholds` table."""
    return "thresholds" in path and isinstance(value, Mapping) and bool(value) and set(value) <= BAND_KEYS


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return `base` with `overlay` laid over it; tables merge key by key, anything else is replaced.

    A threshold band is replaced whole: `p95_ms = { fail = 800 }` on the command line means "fail above 800",
    not "fail above 800 and still warn above the default 500".
    """
    merged = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        here = (*path, key)
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping) and not _is_band(here, value):
            merged[key] = deep_merge(merged[key], value, here)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _child(where: str, key: str) -> str:
    """The location of `key` inside `where`: "golive.toml: target" then "golive.toml: target.headers"."""
    return f"{where}.{key}" if ": " in where else f"{where}: {key}"


def _is_url_key(where: str) -> bool:
    leaf = where.rpartition(".")[2].rpartition(": ")[2]
    return leaf == "url" or leaf.endswith("_url")


def _expand_env(value: Any, where: str, environ: Mapping[str, str], secrets: set[str], missing: list[str]) -> Any:
    """Replace ``${VAR}`` in every string; what comes from the environment becomes a secret.

    A whole URL from the environment is not a secret, only its credentials are (see url_secrets): masking the
    target's address would hide where a run went. Unset variables are collected in `missing`.
    """
    if isinstance(value, str):
        whole_url = _is_url_key(where) and _ENV_REFERENCE.fullmatch(value.strip()) is not None

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in environ:
                missing.append(f"{where}: environment variable {name} is not set (referenced as ${{{name}}})")
                return ""
            if whole_url:
                secrets.update(url_secrets(environ[name]))
            elif environ[name]:
                secrets.add(environ[name])
            return environ[name]

        return _ENV_REFERENCE.sub(substitute, value)
    if isinstance(value, dict):
        return {key: _expand_env(item, _child(where, key), environ, secrets, missing) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand_env(item, f"{where}[{index}]", environ, secrets, missing) for index, item in enumerate(value)]
    return value


def _expand_all(value: Any, where: str, environ: Mapping[str, str], secrets: set[str]) -> Any:
    """`_expand_env`, refusing with every unset variable named at once."""
    missing: list[str] = []
    expanded = _expand_env(value, where, environ, secrets, missing)
    if missing:
        raise ConfigError("; ".join(missing))
    return expanded


def parse_set_option(option: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=VALUE`` into its key path and value; VALUE is read as TOML, else as a plain string."""
    key, separator, raw = option.partition("=")
    key = key.strip()
    if not separator or not key:
        raise ConfigError(f"--set {option!r}: expected KEY=VALUE, e.g. --set performance.users=20")
    parts = _key_parts(key)
    if parts is None:
        raise ConfigError(
            f"--set {option!r}: {key!r} is not a dotted key such as performance.users "
            '(quote parts with spaces: performance.thresholds."GET /search".p95_ms)'
        )
    try:
        value: Any = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw
    return parts, value


def _key_parts(key: str) -> list[str] | None:
    """Split a dotted key the way TOML does, so quoted parts like "GET /search" stay whole."""
    try:
        nested: Any = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts = []
    while isinstance(nested, dict) and len(nested) == 1:
        part, nested = next(iter(nested.items()))
        parts.append(part)
    return parts if nested == 0 and parts else None


def _nest(parts: list[str], value: Any) -> dict[str, Any]:
    nested: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        nested = {part: nested}
    return nested


def refuse_literal_credentials(layer: Mapping[str, Any], where: str) -> None:
    """Refuse a sign-in step that types a value written in the file: credentials come only from ``${VAR}``.

    Checked before ``${VAR}`` is expanded, on each layer (file, profile, --set), so the key named is the one to fix.
    """
    auth = layer.get("auth")
    steps = auth.get("steps") if isinstance(auth, Mapping) else None
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        value = step.get("value") if isinstance(step, Mapping) else None
        if isinstance(value, str) and "fill" in step and not _ENV_REFERENCE.search(value):
            raise ConfigError(
                f"{_child(where, f'auth.steps[{index}].value')}: a sign-in value must come from the environment, "
                'e.g. value = "${APP_PASSWORD}"; golive refuses credentials written in a config'
            )


def _collect_literal_secrets(raw: Mapping[str, Any], secrets: set[str]) -> None:
    for section_path in _SECRET_SECTIONS:
        section: Any = raw
        for part in section_path:
            section = section.get(part, {}) if isinstance(section, Mapping) else {}
        if isinstance(section, Mapping):
            secrets.update(str(value) for value in section.values() if str(value))
    secret_keys = [(name, *path) for name, cls in loadable_suites().items() for path in cls.secret_keys]
    for key_path in [*_SECRET_VALUES, *secret_keys]:
        value: Any = raw
        for part in key_path:
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            secrets.add(str(value))
    history = raw.get("history")
    if isinstance(history, Mapping) and isinstance(history.get("url"), str):
        # A history database password written literally in the file (rather than as ${VAR}) is a secret too.
        secrets.update(part for part in [urlsplit(history["url"]).password] if part)
    target = raw.get("target")
    if isinstance(target, Mapping) and isinstance(target.get("url"), str):
        # A target typed with credentials in it (--target "https://user:pw@host/?api_key=...") keeps its address
        # in the reports, and loses the credentials like a ${VAR} would.
        secrets.update(url_secrets(target["url"]))


def url_secrets(url: str) -> set[str]:
    """The parts of a URL that are secrets: the user and password in it, and token-like query values."""
    parts = urlsplit(url)
    found = {part for part in (parts.username, parts.password) if part}
    for name, value in parse_qsl(parts.query):
        if value and _TOKEN_NAME.search(name):
            found.add(value)
    return found


def find_default_config(cwd: Path) -> Path | None:
    """The config used when `--config` is not given: ``golive.toml`` in the working folder, if any."""
    candidate = cwd / DEFAULT_CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(
    path: Path | None = None,
    profile: str | None = None,
    overrides: list[str] | None = None,
    target: str | None = None,
    environ: Mapping[str, str] | None = None,
    base: Mapping[str, Any] | None = None,
) -> LoadedConfig:
    """Layer defaults, `base` (a saved run's config), the file, the profile and `--set`; validate the result.

    Raises ConfigError with a one-line message for any problem.
    """
    env = os.environ if environ is None else environ
    secrets: set[str] = set()
    sources = ["defaults"]
    raw = _defaults()
    if base is not None:
        raw = deep_merge(raw, base)
        sources.append("saved run")
    file_raw: dict[str, Any] = {}
    if path is not None:
        file_raw = _read_toml(path)
        refuse_literal_credentials(file_raw, str(path))
        sources.append(str(path))
        raw = deep_merge(raw, _expand_all(file_raw, str(path), env, secrets))
    if profile is not None:
        profiles = file_raw.get("profiles", {}) if path is not None else raw.get("profiles", {})
        if profile not in profiles:
            defined = ", ".join(sorted(profiles)) or "none defined"
            raise ConfigError(f"profile {profile!r} is not defined in [profiles] (available: {defined})")
        refuse_literal_credentials(profiles[profile], f"{path}: profiles.{profile}")
        raw = deep_merge(raw, _expand_all(profiles[profile], f"{path}: profiles.{profile}", env, secrets))
        sources.append(f"profile {profile}")
    for option in overrides or []:
        parts, value = parse_set_option(option)
        refuse_literal_credentials(_nest(parts, value), "--set")
        value = _expand_all(value, f"--set: {'.'.join(parts)}", env, secrets)
        raw = deep_merge(raw, _nest(parts, value))
        sources.append("--set")
    if target is not None:
        raw = deep_merge(raw, {"target": {"url": target}})
    if not raw.get("suites"):
        raw["suites"] = default_suites()
    _collect_literal_secrets(raw, secrets)
    described_sources = ", ".join(dict.fromkeys(sources))
    model = full_config_model()
    try:
        config = model.model_validate(raw)
    except ValidationError as error:
        # A bad value is quoted back to the user, and it may be a secret (an API key given as a number).
        message = describe_validation_error(error, described_sources, model)
        redactor = Redactor(secrets)
        said = tuple(redactor.text(problem) for problem in validation_problems(error, model))
        raise ConfigError(redactor.text(message), said) from None
    known = suite_names()
    problems = [f"suites: unknown suite {name!r}" for name in config.suites if name not in known]
    problems += [
        f"waivers[{index}].suite: unknown suite {waiver.suite!r}"
        for index, waiver in enumerate(config.waivers)
        if waiver.suite is not None and waiver.suite not in known
    ]
    if problems:
        listed = "; ".join(problems)
        raise ConfigError(f"config error ({described_sources}): {listed} (suites: {', '.join(known)})", tuple(problems))
    return LoadedConfig(config=config, secrets=frozenset(secrets), sources=tuple(sources), profile=profile)


def profile_problems(
    path: Path | None, environ: Mapping[str, str] | None = None, already_said: Sequence[str] = ()
) -> list[str]:
    """What is wrong with each profile of the file, checked as `golive run --profile NAME` would check it.

    A problem of the file itself shows up under every profile too; those in `already_said` are left out, so each
    problem is said once.
    """
    if path is None:
        return []
    profiles = _read_toml(path).get("profiles", {})
    problems = []
    for name in profiles if isinstance(profiles, Mapping) else ():
        try:
            load_config(path, name, environ=environ)
        except ConfigError as error:
            own = [problem for problem in error.problems if problem not in already_said]
            if own:
                problems.append(f"profile {name!r}: {'; '.join(own)}")
    return problems
