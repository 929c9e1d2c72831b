"""An https target whose certificate cannot be trusted: every suite that talks to it says so in one line, with what
to do, and the run is never READY. With its private CA in `target.ca_file`, the same run is READY."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.cli import assert_kept, run
from tests.faults.tls_target import tls_target

pytestmark = pytest.mark.integration

SUITES = ("availability", "accessibility", "security", "performance")
QUICK = [
    "--set", 'availability.window="2s"', "--set", "availability.requests=2", "--set", "availability.error_pages=false",
    "--set", 'performance.duration="3s"', "--set", "performance.users=2", "--set", "performance.spawn_rate=2",
    # No scanner here: the hygiene checks are the part of the security suite that meets the certificate.
    "--set", 'security.engine="zap"', "--set", 'security.zap.launch="never"', "--set", "security.required=false",
]  # fmt: skip


def _args(url: str, ca_file: Path | None) -> list[str]:
    args = ["run", "--target", url, *[part for name in SUITES for part in ("--suite", name)], *QUICK]
    return [*args, "--set", f'target.ca_file="{ca_file}"'] if ca_file else args


@pytest.mark.parametrize(
    ("kind", "trust_ca", "problem", "what_to_do"),
    [
        ("self-signed", False, "self-signed certificate", "set target.ca_file to the ca's pem file"),
        ("expired", True, "expired", "renew the certificate"),
        ("wrong-host", True, "mismatch", "use the host name the certificate was issued for"),
    ],
)
def test_an_untrusted_certificate_is_named_by_every_suite_with_what_to_do(
    tmp_path: Path, kind: str, trust_ca: bool, problem: str, what_to_do: str
) -> None:
    with tls_target(tmp_path / "certs", kind) as target:
        outcome = run(_args(target.url, target.ca_file if trust_ca else None), tmp_path)
    assert outcome.result is not None
    assert outcome.code == 1 and outcome.result["verdict"] == "NOT_READY", outcome.output
    assert_kept(tmp_path)
    for suite in SUITES:
        said = outcome.suite_text(suite)
        assert problem in said, f"{suite} does not name the problem: {said}"
        # The security finding for an expired certificate carries its own remedy ("Renew the certificate now").
        assert what_to_do in said or (kind == "expired" and "renew the certificate" in said), f"{suite}: {said}"
    # Suites that cannot measure through the certificate say why once, in one line, and send nothing more.
    for suite in ("accessibility", "performance"):
        assert outcome.result["suites"][suite]["status"] == "error"
        (reason,) = [r["message"] for r in outcome.result["reasons"] if r["suites"] == [suite]]
        assert "not trusted" in reason and "\n" not in reason
    assert "Traceback" not in outcome.output


def test_a_private_ca_in_target_ca_file_is_trusted_by_every_suite(tmp_path: Path) -> None:
    with tls_target(tmp_path / "certs", "good") as target:
        outcome = run(_args(target.url, target.ca_file), tmp_path)
    assert outcome.result is not None
    assert outcome.code == 0 and outcome.result["verdict"] == "READY", outcome.output
    suites = outcome.result["suites"]
    assert suites["accessibility"]["metrics"]["pages_audited"] == 1
    assert suites["performance"]["metrics"]["requests"] > 0 and suites["performance"]["metrics"]["failures"] == 0
    assert {check["id"]: check["status"] for check in suites["availability"]["checks"]}["certificate_chain"] == "pass"
    assert not [f for f in suites["security"]["findings"] if f["rule"].startswith("tls-certificate")]


def test_a_ca_file_that_does_not_exist_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    outcome = run(["run", "--target", "https://127.0.0.1:9", "--set", 'target.ca_file="nowhere.pem"'], tmp_path)
    assert outcome.code == 3
    assert outcome.output.strip().splitlines() == ["golive: error: target.ca_file: no such file 'nowhere.pem'"]
    assert outcome.result is None


CHECKLIST_PAGE = """
[[checklist.items]]
id = "secure-page"
title = "Page served over TLS"
topic = "information-security"
kind = "url"
url = "/"
expect_text = ["served over TLS"]
"""


@pytest.mark.parametrize("trust_ca", [False, True])
def test_the_checklist_fetches_its_pages_trusting_only_what_target_ca_file_adds(tmp_path: Path, trust_ca: bool) -> None:
    # The checklist makes its own requests, outside the browser and Locust: it must trust the same CAs they do.
    (tmp_path / "golive.toml").write_text(CHECKLIST_PAGE, encoding="utf-8")
    with tls_target(tmp_path / "certs", "good") as target:
        args = ["run", "--target", target.url, "--suite", "checklist"]
        outcome = run([*args, "--set", f'target.ca_file="{target.ca_file}"'] if trust_ca else args, tmp_path)
    assert outcome.result is not None, outcome.output
    assert_kept(tmp_path)
    (check,) = outcome.result["suites"]["checklist"]["checks"]
    if trust_ca:
        assert outcome.code == 0 and outcome.result["verdict"] == "READY", outcome.output
        assert check["status"] == "pass" and "contains 'served over tls'" in check["message"].lower()
    else:
        assert outcome.code == 1 and outcome.result["verdict"] == "NOT_READY", outcome.output
        assert check["status"] == "fail"
        said = outcome.suite_text("checklist")
        assert f"the certificate of {target.url}/ is not trusted (unable to get local issuer certificate)" in said
        assert "set target.ca_file to the ca's pem file" in said and "urlerror" not in said
    assert "Traceback" not in outcome.output
