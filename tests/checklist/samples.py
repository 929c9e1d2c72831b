"""Evidence files as the real tools write them, trimmed: coverage.py, Istanbul, JaCoCo, JUnit reporters."""

from __future__ import annotations

COVERAGE_PY = """<?xml version="1.0" ?>
<coverage version="7.4.0" timestamp="1764579600000" lines-valid="{valid}" lines-covered="{covered}"
          line-rate="{line_rate}" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
	<sources><source>/srv/app/licensing</source></sources>
	<packages>
		<package name="." line-rate="{line_rate}" branch-rate="0" complexity="0">
			<classes>
				<class name="apply.py" filename="apply.py" complexity="0" line-rate="{line_rate}" branch-rate="0">
					<methods/>
					<lines><line number="1" hits="1"/><line number="2" hits="0"/></lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
"""

ISTANBUL = """<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage lines-valid="200" lines-covered="180" line-rate="0.9" branches-valid="50" branches-covered="30"
          branch-rate="0.6" timestamp="1764579600000" complexity="0" version="0.1">
  <sources><source>/srv/app/src</source></sources>
  <packages><package name="src" line-rate="0.9" branch-rate="0.6"><classes/></package></packages>
</coverage>
"""

# JaCoCo's own XML format (jacoco.xml); the counters at the end are the report's totals.
JACOCO = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="licensing">
  <sessioninfo id="build-1" start="1764579600000" dump="1764579660000"/>
  <package name="uk/gov/licensing">
    <counter type="LINE" missed="5" covered="45"/>
  </package>
  <counter type="INSTRUCTION" missed="40" covered="460"/>
  <counter type="BRANCH" missed="30" covered="70"/>
  <counter type="LINE" missed="25" covered="75"/>
</report>
"""

JUNIT_PYTEST = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="{failures}" skipped="1" tests="4" time="0.5">
<testcase classname="tests.test_apply" name="test_start" time="0.1"/>
<testcase classname="tests.test_apply" name="test_submit" time="0.1">{failure}</testcase>
<testcase classname="tests.test_apply" name="test_review" time="0.1"/>
<testcase classname="tests.test_apply" name="test_later" time="0.0"><skipped message="not yet"/></testcase>
</testsuite></testsuites>
"""

# Surefire writes one file per class with a bare <testsuite> root.
JUNIT_SUREFIRE = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="uk.gov.licensing.ApplyTest" time="0.2" tests="2" errors="{errors}" skipped="0" failures="0">
  <testcase name="starts" classname="uk.gov.licensing.ApplyTest" time="0.1"/>
  <testcase name="submits" classname="uk.gov.licensing.ApplyTest" time="0.1">{error}</testcase>
</testsuite>
"""
