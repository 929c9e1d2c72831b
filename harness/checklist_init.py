"""`golive checklist init`: write the go-live list as `[[checklist.items]]` for a team to fill in.

Each topic of the go-live list gets the items that usually evidence it, each of the kind that fits: a report
file, a page, a coverage or test report, or a person's sign-off. The items are live config, not comments, so a
run judges them at once: until a team fills them in, they fail and show as gaps.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from harness.errors import EXIT_READY, UsageError
from harness.files import write_atomic
from harness.golive_list import TOPICS

_HEADER = """\
# ---------------------------------------------------------------------------------------------------------------
# Go-live checklist, written by `golive checklist init`. Fill in each item; `golive run` judges them with the
# checklist suite and the report's "Go-live checklist" section shows every go-live topic, what covers it and
# whether that was measured by golive, rests on evidence, or is a person's sign-off.
#
# kind = "coverage"     a Cobertura XML report (coverage.py `coverage xml`, Istanbul, JaCoCo): path, min, branch_min
# kind = "junit"        JUnit XML reports (path may be a glob): min_tests; none may fail or error
# kind = "file"         a document that must exist: path, max_age_days, date (else the file's modification time)
# kind = "url"          a page that must answer: url (a path on the target or a full URL), expect_text, expect_status
# kind = "attestation"  a person's sign-off: by, date, note, max_age_days; unsigned, it fails
# Every kind may set max_age_days except url; relative paths are read from the folder golive runs in.
# Topics: {topics}
# ---------------------------------------------------------------------------------------------------------------
"""

_ITEMS = """
# == Security assessment (penetration test) =====================================================================
# golive's security suite scans for vulnerabilities (measured); an independent penetration test is evidence.
[[checklist.items]]
id = "pen-test"
title = "Independent penetration test report"
topic = "security-assessment"
kind = "file"
path = "evidence/penetration-test-report.pdf"
max_age_days = 365
# date = 2026-10-01             # the date on the report, when the file's modification time is not it

# == Information security ======================================================================================
# golive's availability suite measures HTTPS, the certificate, HSTS and error pages.
[[checklist.items]]
id = "privacy-notice"
title = "Privacy notice published"
topic = "information-security"
kind = "url"
url = "/privacy"
expect_text = ["personal data"]

[[checklist.items]]
id = "information-risk"
title = "Information security risks assessed and accepted"
topic = "information-security"
kind = "attestation"
by = ""                         # who signed it off, e.g. "Sam Patel, information asset owner"
# date = 2026-11-20
note = ""
max_age_days = 365

# == Accessibility audit and statement ==========================================================================
# golive's accessibility suite runs axe-core (measured); a manual audit against WCAG 2.2 AA is evidence.
[[checklist.items]]
id = "accessibility-audit"
title = "Accessibility audit against WCAG 2.2 AA"
topic = "accessibility-audit"
kind = "file"
path = "evidence/accessibility-audit.pdf"
max_age_days = 365

[[checklist.items]]
id = "accessibility-statement"
title = "Accessibility statement with compliance status and a way to report problems"
topic = "accessibility-audit"
kind = "url"
url = "/accessibility-statement"
expect_text = ["compliant with the Web Content Accessibility Guidelines", "accessibility problems"]

# == Performance testing ========================================================================================
# golive's performance suite measures the load test; a person confirms it ran at the expected peak.
[[checklist.items]]
id = "peak-load"
title = "Expected peak traffic estimated and load tested above it"
topic = "performance-testing"
kind = "attestation"
by = ""
# date = 2026-11-20
note = ""                       # e.g. "peak 40 req/s from the beta; tested at 100 req/s"
max_age_days = 180

# == Metrics to measure success =================================================================================
[[checklist.items]]
id = "kpis"
title = "Metrics and KPIs agreed and collected"
topic = "metrics"
kind = "attestation"
by = ""
# date = 2026-11-20
note = ""                       # e.g. "completion rate, satisfaction, cost per transaction, digital take-up"
max_age_days = 365

# == Keeping the service up and monitoring its status ===========================================================
# golive's availability suite measures the service answering; set [availability] status_page to check it too.
[[checklist.items]]
id = "monitoring-on-call"
title = "Uptime monitoring, alerting and on-call in place"
topic = "uptime-monitoring"
kind = "attestation"
by = ""
# date = 2026-11-20
note = ""
max_age_days = 180

# == Continued vulnerability and performance testing ============================================================
[[checklist.items]]
id = "continued-testing"
title = "Scheduled vulnerability and performance runs after go-live"
topic = "continued-testing"
kind = "attestation"
by = ""
# date = 2026-11-20
note = ""                       # e.g. "golive nightly in CI; dependency scanning on every merge"
max_age_days = 180

# == Testing quality and code coverage ==========================================================================
[[checklist.items]]
id = "unit-coverage"
title = "Unit test line coverage"
topic = "code-coverage"
kind = "coverage"
path = "coverage.xml"
min = 0.8
# branch_min = 0.7
max_age_days = 30

[[checklist.items]]
id = "unit-tests"
title = "Automated tests pass"
topic = "code-coverage"
kind = "junit"
path = "reports/junit/*.xml"
max_age_days = 30

# == Exclusion risks ============================================================================================
[[checklist.items]]
id = "exclusion-review"
title = "Exclusion risks reviewed and addressed or planned for"
topic = "exclusion-risks"
kind = "attestation"
by = ""
# date = 2026-11-20
note = ""                       # e.g. "assisted digital by phone; Welsh language version planned"
max_age_days = 365

[[checklist.items]]
id = "support-contact"
title = "Support and assisted digital contact page"
topic = "exclusion-risks"
kind = "url"
url = "/contact"
expect_text = []                # e.g. ["telephone"]
"""


# A new file needs a target for `golive config check` and `golive run`; loopback is a safe stand-in that sends
# nothing anywhere until the team writes its own address.
_NEW_FILE_TARGET = """\
[target]
url = "http://127.0.0.1:8000"   # the service to check, e.g. "https://staging.example.gov.uk" (add it to allowed_hosts)

"""


def checklist_template() -> str:
    """The commented `[[checklist.items]]` section, one or more items for every go-live topic."""
    return _HEADER.format(topics=", ".join(topic.id for topic in TOPICS)) + _ITEMS


def _already_has_checklist(text: str) -> bool:
    try:
        return "checklist" in tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"cannot add the checklist: the existing file is not valid TOML ({error})") from None


def write_checklist(out: Path) -> str:
    """Append the checklist to `out` (created if missing); refuse a file that already has a checklist."""
    existing = out.read_text(encoding="utf-8") if out.is_file() else ""
    if existing and _already_has_checklist(existing):
        raise UsageError(f"{out} already has a [checklist] section; edit it there, or pass --out OTHER_FILE")
    prefix = _NEW_FILE_TARGET if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    text = existing + prefix + checklist_template()
    data = tomllib.loads(text)  # the template is fixed; this guards against a file that breaks it when appended to
    write_atomic(out, text)
    action = "added to" if existing else "wrote"
    message = f"golive: {action} {out}: go-live items for every topic; fill them in, then run `golive config check`"
    suites = data.get("suites")
    if isinstance(suites, list) and suites and "checklist" not in suites:
        message += f"\ngolive: note: its `suites` list ({', '.join(map(str, suites))}) leaves the checklist out"
    return message


def command_checklist_init(args: argparse.Namespace) -> int:
    """`golive checklist init [--out FILE]`."""
    print(write_checklist(args.out), file=sys.stderr)
    return EXIT_READY
