"""Start a ZAP daemon for one run (a local `zap.sh`, or the Docker image) and stop exactly that one afterwards.

A launched ZAP listens on a free loopback port with a one-off API key. The key goes to ZAP on its command line
and to golive's client, nowhere else: the saved log has it masked and the run record never holds it. Shutting down
asks ZAP politely (`core/action/shutdown`), then stops what golive started by its process group or container id,
never anything found by name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from suites.security.settings import ZapSettings

ZAP_SCRIPT = "zap.sh"
DOCKER_INFO_TIMEOUT = 15.0
DOCKER_COMMAND_TIMEOUT = 60.0
# How long ZAP may take to exit after core/action/shutdown before golive stops it by force.
STOP_GRACE_SECONDS = 20.0
LOG_NAME = "zap.log"
# Enough of the log to say why a ZAP did not start, on one line.
LOG_TAIL_CHARS = 300


class LaunchError(Exception):
    """No ZAP could be started; the message is one line saying what was tried and what to do."""


def find_zap_script(environ: Mapping[str, str]) -> Path | None:
    """`zap.sh` in ZAP_HOME (an installation folder) first, then on PATH."""
    home = environ.get("ZAP_HOME", "")
    if home:
        candidate = Path(home) / ZAP_SCRIPT
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(ZAP_SCRIPT, path=environ.get("PATH"))
    return Path(found) if found else None


def docker_engine_answers(environ: Mapping[str, str], timeout: float = DOCKER_INFO_TIMEOUT) -> bool:
    """Whether a `docker` client is on PATH and its engine answers `docker info` (a client alone is not enough)."""
    client = shutil.which("docker", path=environ.get("PATH"))
    if client is None:
        return False
    try:
        completed = subprocess.run(
            [client, "info"], capture_output=True, timeout=timeout, env=dict(environ), check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def daemon_arguments(port: int, api_key: str, home: Path | None, extra: list[str]) -> list[str]:
    """zap.sh's options for a loopback-only daemon with an API key that makes no calls of its own."""
    arguments = ["-daemon", "-host", "127.0.0.1", "-port", str(port)]
    if home is not None:
        # A private home folder: two runs never fight over ~/.ZAP's lock, and nothing is left behind.
        arguments += ["-dir", str(home)]
    # -silent: no update checks or other unsolicited requests; golive only sends traffic where it is told.
    arguments += ["-silent", "-config", f"api.key={api_key}", "-config", "api.addrs.addr.name=127.0.0.1"]
    return arguments + list(extra)


@dataclass
class LaunchedZap:
    """A ZAP that golive started: where its API is, its one-off key, and how to stop it."""

    how: str
    api_url: str
    api_key: str
    command: list[str]
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    container: str | None = None
    stopped_by: str | None = None
    log_file: Path | None = None
    environ: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, object]:
        """What to save about the launch: never the key."""
        return {
            "how": self.how,
            "api_url": self.api_url,
            "command": " ".join(self.masked(part) for part in self.command),
            "pid": self.process.pid if self.process is not None else None,
            "container": self.container,
            "stopped_by": self.stopped_by,
        }

    def masked(self, text: str) -> str:
        """`text` with the one-off key masked."""
        return text.replace(self.api_key, "***")

    def exited(self) -> int | None:
        """The exit code if the launched process (or container) has already ended, else None."""
        if self.process is not None:
            return self.process.poll()
        return None

    def read_log(self) -> str:
        """ZAP's output so far, with the key masked."""
        if self.container is not None:
            docker = shutil.which("docker", path=self.environ.get("PATH")) or "docker"
            try:
                completed = subprocess.run(
                    [docker, "logs", self.container],
                    capture_output=True,
                    timeout=DOCKER_COMMAND_TIMEOUT,
                    env=self.environ,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired):
                return ""
            return self.masked((completed.stdout + completed.stderr).decode("utf-8", "replace"))
        if self.log_file is None or not self.log_file.exists():
            return ""
        return self.masked(self.log_file.read_text(encoding="utf-8", errors="replace"))

    def log_tail(self) -> str:
        """The last lines of the log on one line, for an error message."""
        text = " | ".join(line.strip() for line in self.read_log().strip().splitlines()[-3:] if line.strip())
        return text[-LOG_TAIL_CHARS:]

    def stop(self, ask_zap: Callable[[], object]) -> None:
        """Ask ZAP to shut down, then stop the process group or container golive started if it is still there."""
        try:
            ask_zap()
            self.stopped_by = "core.shutdown"
        except Exception:  # ZAP may already be gone or wedged; the forceful path below still runs
            self.stopped_by = None
        if self.process is not None:
            self._stop_process(self.process)
        if self.container is not None:
            self._stop_container(self.container)

    def _stop_process(self, process: subprocess.Popen[bytes]) -> None:
        try:
            process.wait(STOP_GRACE_SECONDS if self.stopped_by else 0.1)
            return
        except subprocess.TimeoutExpired:
            pass
        # zap.sh starts java as a child: signal the whole group that golive created for it, by its id.
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            self.stopped_by = sig.name
            try:
                process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def _stop_container(self, container: str) -> None:
        docker = shutil.which("docker", path=self.environ.get("PATH")) or "docker"
        deadline = time.monotonic() + (STOP_GRACE_SECONDS if self.stopped_by else 0.0)
        while time.monotonic() < deadline and self._container_running(docker, container):
            time.sleep(0.5)
        log = self.read_log()
        if self.log_file is not None:
            self.log_file.write_text(log, encoding="utf-8")
        if self._container_running(docker, container):
            self.stopped_by = "docker rm -f"
        # Removed whether it exited or not: it was started without --rm so its log could be read first.
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [docker, "rm", "-f", container],
                capture_output=True,
                timeout=DOCKER_COMMAND_TIMEOUT,
                env=self.environ,
                check=False,
            )
        self.container = None

    def _container_running(self, docker: str, container: str) -> bool:
        try:
            completed = subprocess.run(
                [docker, "inspect", "-f", "{{.State.Running}}", container],
                capture_output=True,
                timeout=DOCKER_COMMAND_TIMEOUT,
                env=self.environ,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return completed.stdout.strip() == b"true"


def launch_local(script: Path, settings: ZapSettings, environ: Mapping[str, str]) -> LaunchedZap:
    """Start `zap.sh -daemon` in its own process group, its output going to a log file."""
    workdir = Path(tempfile.mkdtemp(prefix="golive-zap-"))
    port = free_loopback_port()
    api_key = secrets.token_urlsafe(24)
    command = [str(script), *daemon_arguments(port, api_key, workdir / "home", settings.launch_args)]
    log_file = workdir / LOG_NAME
    with log_file.open("wb") as log:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                env=dict(environ),
                start_new_session=True,
            )
        except OSError as error:
            shutil.rmtree(workdir, ignore_errors=True)
            raise LaunchError(f"could not start {script}: {error.strerror or error}") from None
    return LaunchedZap(
        "local",
        f"http://127.0.0.1:{port}",
        api_key,
        command,
        workdir,
        process,
        log_file=log_file,
        environ=dict(environ),
    )


def launch_docker(settings: ZapSettings, environ: Mapping[str, str]) -> LaunchedZap:
    """Start the ZAP image detached, on the host's network so that it can reach a target on 127.0.0.1."""
    docker = shutil.which("docker", path=environ.get("PATH"))
    if docker is None:
        raise LaunchError("no docker client on PATH")
    workdir = Path(tempfile.mkdtemp(prefix="golive-zap-"))
    port = free_loopback_port()
    api_key = secrets.token_urlsafe(24)
    name = f"golive-zap-{secrets.token_hex(4)}"
    command = [
        docker, "run", "-d", "--name", name, "--network", "host", settings.docker_image,
        "zap.sh", *daemon_arguments(port, api_key, None, settings.launch_args),
    ]  # fmt: skip
    launched = LaunchedZap(
        "docker",
        f"http://127.0.0.1:{port}",
        api_key,
        command,
        workdir,
        log_file=workdir / LOG_NAME,
        environ=dict(environ),
    )
    try:
        # The first run pulls the image, which can take minutes; the launch deadline covers the wait after.
        completed = subprocess.run(command, capture_output=True, timeout=900, env=dict(environ), check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise LaunchError(f"`docker run {settings.docker_image}` did not complete: {error}") from None
    if completed.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        lines = completed.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise LaunchError(f"`docker run {settings.docker_image}` failed: {launched.masked(lines[-1])}")
    launched.container = completed.stdout.decode().strip() or name
    return launched


def cleanup(launched: LaunchedZap) -> None:
    """Remove the launch's private folder (ZAP's home and log) once the log was saved."""
    shutil.rmtree(launched.workdir, ignore_errors=True)
