"""A ZAP to talk to for one run: connect to the configured one, or launch one, wait for it, and stop it afterwards.

Only a ZAP that golive started is ever stopped, and only through its own API or by its process group/container id.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from suites.security.settings import ZapSettings
from suites.security.zap_client import ZapError, ZapSession
from suites.security.zap_launch import (
    LOG_NAME,
    ZAP_SCRIPT,
    LaunchedZap,
    LaunchError,
    cleanup,
    docker_engine_answers,
    find_zap_script,
    launch_docker,
    launch_local,
)

# Saves one artifact: (file name, text).
SaveArtifact = Callable[[str, str], object]
SHUTDOWN_CALL_TIMEOUT = 10.0


def _wait_until_ready(launched: LaunchedZap, settings: ZapSettings, progress: Callable[[str], None]) -> ZapSession:
    """Poll the launched ZAP's core/view/version until it answers, it exits, or the launch deadline passes."""
    session = ZapSession(settings.model_copy(update={"api_url": launched.api_url, "api_key": launched.api_key}))
    session.progress = progress
    deadline = time.monotonic() + settings.launch_timeout
    while True:
        code = launched.exited()
        if code is not None:
            raise ZapError(
                "launch_failed",
                f"the ZAP started with {launched.how} exited with code {code} before answering: {launched.log_tail()}",
            )
        remaining = deadline - time.monotonic()
        try:
            session.call("core.version", lambda zap: zap.core.version, max(0.5, min(5.0, remaining)))
            return session
        except ZapError as error:
            if error.kind not in ("unreachable", "timeout", "dropped"):
                raise
        if time.monotonic() >= deadline:
            raise ZapError(
                "launch_failed",
                f"the ZAP started with {launched.how} did not answer core/view/version within "
                f"{settings.launch_timeout:g}s (raise security.zap.launch_timeout): {launched.log_tail()}",
            )
        time.sleep(0.5)


def _launch(
    how: str,
    settings: ZapSettings,
    environ: Mapping[str, str],
    holder: list[LaunchedZap],
    progress: Callable[[str], None],
) -> ZapSession:
    """Start ZAP the way `how` says and wait for it; the launched ZAP goes into `holder` at once, to be stopped."""
    try:
        if how == "local":
            script = find_zap_script(environ)
            if script is None:
                raise LaunchError(
                    f'security.zap.launch = "local" but no {ZAP_SCRIPT} was found in ZAP_HOME or on PATH: '
                    f"install ZAP, or set ZAP_HOME to its folder"
                )
            progress(f"starting ZAP ({script})")
            holder.append(launch_local(script, settings, environ))
        else:
            if not docker_engine_answers(environ):
                raise LaunchError(
                    'security.zap.launch = "docker" but no Docker engine answered `docker info`: start Docker, '
                    'or use launch = "local" or "never"'
                )
            progress(f"starting ZAP ({settings.docker_image} in Docker)")
            holder.append(launch_docker(settings, environ))
    except LaunchError as error:
        raise ZapError("launch_failed", str(error)) from None
    progress(f"waiting for the ZAP started with {how} at {holder[0].api_url}")
    return _wait_until_ready(holder[0], settings, progress)


def connect(
    settings: ZapSettings,
    environ: Mapping[str, str],
    holder: list[LaunchedZap],
    progress: Callable[[str], None],
) -> tuple[ZapSession, str]:
    """A session with a ZAP that answers, launching one when `launch` says so; returns it and ZAP's version."""
    if settings.launch in ("local", "docker"):
        session = _launch(settings.launch, settings, environ, holder, progress)
        return session, session.version()
    session = ZapSession(settings, progress)
    try:
        return session, session.version()
    except ZapError as error:
        if settings.launch == "never" or error.kind != "unreachable":
            raise
        unreachable = error
    if find_zap_script(environ) is not None:
        how = "local"
    elif docker_engine_answers(environ):
        how = "docker"
    else:
        raise ZapError(
            "unreachable",
            f'{unreachable}, and none could be launched (launch = "auto": no {ZAP_SCRIPT} in ZAP_HOME or on PATH, '
            f"and no Docker engine answered `docker info`)",
        )
    progress(f"{unreachable}; launching one ({how})")
    session = _launch(how, settings, environ, holder, progress)
    return session, session.version()


def shut_down(launched: LaunchedZap, session: ZapSession | None, save: SaveArtifact, record: dict[str, Any]) -> None:
    """Stop the ZAP that golive launched (and only that one), then keep its log as an artifact."""

    def ask() -> None:
        if session is None or session.settings.api_url != launched.api_url:
            raise ZapError("unreachable", "no session with the launched ZAP")
        try:
            session.call("core.shutdown", lambda zap: zap.core.shutdown(), SHUTDOWN_CALL_TIMEOUT)
        except ZapError as error:
            # ZAP may close the connection as it goes down; that is the answer we wanted.
            if error.kind != "dropped":
                raise

    try:
        launched.stop(ask)
        save(LOG_NAME, launched.read_log())
        record["launched"] = {**launched.describe(), "log": LOG_NAME}
    finally:
        cleanup(launched)
