"""Secrets never reach what golive writes."""

from __future__ import annotations

from pathlib import Path

from harness.redaction import Redactor


def test_text_masks_every_secret_longest_first() -> None:
    redactor = Redactor(["token-123", "Bearer token-123", "ab"])
    assert redactor.text("Authorization: Bearer token-123; t=token-123") == "Authorization: ***; t=***"
    # Too short to be a credible secret, and masking it would mangle ordinary words.
    assert redactor.text("about") == "about"


def test_scrub_tree_rewrites_files_tools_wrote(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "log.txt").write_text("header X-Key: hunter22 sent")
    (tmp_path / "clean.txt").write_text("nothing here")
    Redactor(["hunter22"]).scrub_tree(tmp_path)
    assert (tmp_path / "sub" / "log.txt").read_text() == "header X-Key: *** sent"
    assert (tmp_path / "clean.txt").read_text() == "nothing here"


def test_escaped_spellings_of_a_secret_are_masked_too() -> None:
    redactor = Redactor(['p&ss"w<rd'])
    assert redactor.text("html: p&amp;ss&quot;w&lt;rd") == "html: ***"
    assert redactor.text('json: "p&ss\\"w<rd"') == 'json: "***"'
