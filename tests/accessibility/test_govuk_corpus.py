"""The known-good corpus: GOV.UK Frontend's component examples, where golive's own checks must not cry wolf.

Every visible example of the npm package (about 300 pages) is audited once; the own checks may report only
the reviewed true positives of `reviewed.py`, and nothing needs review. A fixed sample is audited a second time
and must give the same own-check findings: every accordion and service-navigation example (where false alarms
used to come and go), the pages of the reviewed findings, and an even spread of the rest. Auditing all 300
pages twice would take longer than the suite allows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from harness.models import Status
from tests.accessibility import govuk
from tests.accessibility.reviewed import TRUE_POSITIVES
from tests.accessibility.running import Audit, MakeConfig, audit, chromium_missing

pytestmark = pytest.mark.integration

if (reason := chromium_missing()) is not None:
    pytest.skip(f"needs Chromium: {reason}", allow_module_level=True)

SAMPLE_SIZE = 30
UNSTABLE_BEFORE = ("accordion", "service-navigation")


@dataclass
class CorpusRuns:
    """The whole corpus audited once, the sample audited again, and what was served."""

    everything: Audit
    again: Audit
    base: str
    examples: list[govuk.Example]
    sample: list[govuk.Example]


def _sample(examples: list[govuk.Example]) -> list[govuk.Example]:
    reviewed = {page for page, _ in TRUE_POSITIVES}
    chosen = govuk.sample(examples, SAMPLE_SIZE) + [
        example for example in examples if example.component in UNSTABLE_BEFORE or example.path in reviewed
    ]
    return list({example.path: example for example in chosen}.values())


@pytest.fixture(scope="module")
def runs(make_module_config: MakeConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusRuns]:
    """Audit the corpus, then the sample again, in the same served site."""
    # Fetching the corpus may run npm: here, in an integration test, rather than when the module is collected.
    if (reason := govuk.corpus_missing()) is not None:
        pytest.skip(f"the GOV.UK Frontend corpus is unavailable: {reason}")
    with govuk.serve_corpus() as (server, examples):
        sample = _sample(examples)
        audits = []
        for name, chosen in (("all", examples), ("again", sample)):
            pages = json.dumps([example.path for example in chosen])
            audits.append(
                audit(make_module_config, server.url, tmp_path_factory.mktemp(name), f"accessibility.pages={pages}")
            )
        yield CorpusRuns(audits[0], audits[1], server.url, examples, sample)


def own(result: Audit, base: str, paths: set[str] | None = None) -> set[tuple[str, str, str | None, str]]:
    """(page, rule, element, fingerprint) of every own-check finding, on `paths` only when given."""
    return {
        (finding.url.removeprefix(base), finding.rule, finding.selector, finding.fingerprint)
        for finding in result.result.findings
        if finding.rule.startswith("golive-") and (paths is None or finding.url.removeprefix(base) in paths)
    }


def test_every_example_is_audited_and_checked(runs: CorpusRuns) -> None:
    result = runs.everything.result
    assert len(runs.examples) > 250
    assert result.metrics["pages_audited"] == len(runs.examples)
    for check_id in ("check_keyboard", "check_reflow"):
        check = runs.everything.check(check_id)
        assert (check.status, check.measured) == (Status.PASS, len(runs.examples)), check.message


def test_own_checks_find_only_the_reviewed_true_positives(runs: CorpusRuns) -> None:
    found = {(page, rule) for page, rule, _, _ in own(runs.everything, runs.base)}
    assert found == set(TRUE_POSITIVES)


def test_nothing_on_the_corpus_needs_review(runs: CorpusRuns) -> None:
    assert runs.everything.result.details.get("needs_review", []) == []
    assert runs.everything.result.metrics["needs_review_golive"] == 0


def test_the_same_pages_audited_twice_give_the_same_findings(runs: CorpusRuns) -> None:
    paths = {example.path for example in runs.sample}
    assert {"/components/accordion/default", "/components/summary-list/extreme"} <= paths
    first = own(runs.everything, runs.base, paths)
    assert own(runs.again, runs.base, paths) == first
    assert first  # the reviewed reflow finding is in the sample: the comparison compares something
