"""`golive checklist init`: a go-live list for every topic, that `golive config check` accepts."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from harness.artifacts import Artifacts
from harness.checklist_init import checklist_template, write_checklist
from harness.cli import main
from harness.config_loader import load_config
from harness.golive_list import TOPIC_IDS
from harness.models import Status
from harness.suite import JudgeContext
from suites.checklist.settings import ChecklistSettings
from suites.checklist.suite import ChecklistSuite


def test_init_writes_a_config_that_config_check_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "golive.toml"
    assert main(["checklist", "init", "--out", str(out)]) == 0
    assert main(["config", "check", "--config", str(out)]) == 0
    assert "config OK" in capsys.readouterr().err
    # A new file gets a loopback stand-in target, so that it checks and runs before the team writes its own.
    assert tomllib.loads(out.read_text(encoding="utf-8"))["target"]["url"] == "http://127.0.0.1:8000"
    loaded = load_config(out, None, [], "http://127.0.0.1:9", environ={})
    settings = loaded.config.section("checklist", ChecklistSettings)
    assert {item.topic for item in settings.items} == set(TOPIC_IDS)
    assert {item.kind for item in settings.items} == {"coverage", "junit", "file", "url", "attestation"}


def test_each_topic_gets_the_kind_that_fits_it() -> None:
    items = tomllib.loads(checklist_template())["checklist"]["items"]
    kinds = {(item["topic"], item["kind"]) for item in items}
    assert ("security-assessment", "file") in kinds
    assert ("accessibility-audit", "url") in kinds and ("accessibility-audit", "file") in kinds
    assert ("code-coverage", "coverage") in kinds and ("code-coverage", "junit") in kinds
    assert ("metrics", "attestation") in kinds and ("exclusion-risks", "attestation") in kinds
    statement = next(item for item in items if item["id"] == "accessibility-statement")
    assert any("compliant" in text for text in statement["expect_text"])


def test_init_adds_to_an_existing_config_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "golive.toml"
    out.write_text('[target]\nurl = "http://127.0.0.1:9"\n[performance]\nusers = 3\n', encoding="utf-8")
    assert main(["checklist", "init", "--out", str(out)]) == 0
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["performance"] == {"users": 3} and data["checklist"]["items"]
    assert main(["checklist", "init", "--out", str(out)]) == 3
    assert "already has a [checklist] section" in capsys.readouterr().err


def test_init_refuses_a_file_that_is_not_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "golive.toml"
    out.write_text("[target\n", encoding="utf-8")
    assert main(["checklist", "init", "--out", str(out)]) == 3
    assert out.read_text(encoding="utf-8") == "[target\n"
    assert "not valid TOML" in capsys.readouterr().err


def test_the_unfilled_list_fails_every_item_and_signs_nothing_off(tmp_path: Path) -> None:
    config = load_config(None, None, [], "http://127.0.0.1:9", environ={}).config
    settings = ChecklistSettings.model_validate(tomllib.loads(checklist_template())["checklist"])
    context = JudgeContext(config, settings, dt.date(2026, 11, 26), tmp_path)
    result = ChecklistSuite().judge(Artifacts(), context)
    attestations = [
        check for item, check in zip(settings.items, result.checks, strict=True) if item.kind == "attestation"
    ]
    assert attestations and all(check.status is Status.FAIL for check in attestations)
    assert all("found none yet" in check.message for check in attestations)
    # Nothing was gathered: the evidence items are errors, never passes.
    assert not [check for check in result.checks if check.status is Status.PASS]


def test_a_checklist_without_items_is_skipped_with_the_way_to_start_one(tmp_path: Path) -> None:
    config = load_config(None, None, [], "http://127.0.0.1:9", environ={}).config
    context = JudgeContext(config, ChecklistSettings(), dt.date(2026, 11, 26), tmp_path)
    result = ChecklistSuite().judge(Artifacts(), context)
    assert result.status is Status.SKIPPED
    assert "golive checklist init" in result.checks[0].message


def test_init_notes_a_suites_list_that_leaves_the_checklist_out(tmp_path: Path) -> None:
    out = tmp_path / "golive.toml"
    out.write_text('suites = ["performance"]\n[target]\nurl = "http://127.0.0.1:9"\n', encoding="utf-8")
    assert "leaves the checklist out" in write_checklist(out)
