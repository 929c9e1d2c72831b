"""Every hint for starting ZAP publishes its API on the loopback interface only, never on all interfaces."""

from __future__ import annotations

import re

from suites.security.settings import ZapSettings
from suites.security.zap_client import start_hint
from tests.support import REPO_ROOT

_PUBLISHED = re.compile(r"-p\s+(\S+)")


def test_the_printed_hint_binds_zap_to_the_loopback_interface() -> None:
    hint = start_hint(ZapSettings(api_url="http://127.0.0.1:8091"))
    assert _PUBLISHED.findall(hint) == ["127.0.0.1:8091:8091"]


def test_every_docker_run_in_the_readme_binds_to_the_loopback_interface() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"docker run[^`]*?(?=\n\s*\n|`|$)", readme, flags=re.DOTALL)
    published = [port for command in commands for port in _PUBLISHED.findall(command)]
    assert published, "the README shows how to start ZAP with Docker"
    assert all(port.startswith("127.0.0.1:") for port in published), published
