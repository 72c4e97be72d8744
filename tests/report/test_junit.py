"""junit.py: junit.xml meets the Jenkins/Ant junit-10.xsd; one testsuite per domain, one testcase per check; a
check without evidence is an error a CI gate sees, never a skip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from format_schemas import junit_errors
from report_support import NOW
from sample_run import BURST, PRODUCTION, RETENTION, ROOT, UNAPPROVED, make_result

from auditreport.report.findings import findings_document
from auditreport.report.junit import junit_xml, xml_text


@pytest.fixture(scope="module")
def junit(report_dir: Path) -> bytes:
    return (report_dir / "junit.xml").read_bytes()


@pytest.fixture(scope="module")
def cases(junit: bytes) -> dict[str, ET.Element]:
    return {c.get("name"): c for c in ET.fromstring(junit).iter("testcase")}


def test_the_file_meets_the_junit_schema(junit: bytes):
    assert junit.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert junit_errors(junit) == []


def test_one_suite_per_domain_and_one_case_per_check(junit: bytes, findings: dict):
    root = ET.fromstring(junit)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    domains = sorted({c["domain"] for c in findings["checks"]})
    assert list(suites) == domains + ["sources"]
    for domain in domains:
        ids = [c.get("name") for c in suites[domain].findall("testcase")]
        assert ids == [c["id"] for c in findings["checks"] if c["domain"] == domain]
        assert int(suites[domain].get("tests")) == len(ids)
    assert int(root.get("tests")) == len(findings["checks"]) + len(findings["sources"])
    assert int(root.get("failures")) == 3 and int(root.get("errors")) == 2 + 1  # two checks, one source


def test_a_failing_check_is_a_failure_with_its_count_and_first_reasons(cases):
    failure = cases[UNAPPROVED].find("failure")
    assert failure.get("message").startswith("13 failing row(s) of 40") and failure.get("type") == "critical"
    assert failure.text.count("\n#") == 4 and "... and 8 more failing row(s) in evidence/" in failure.text
    assert cases[UNAPPROVED].get("classname") == "auditreport.model_governance"


def test_no_data_and_error_are_errors_never_skipped_and_a_pass_is_a_pass(cases):
    assert cases[RETENTION].find("skipped") is None
    assert cases[RETENTION].find("error").get("type") == "no_data"
    assert "not a pass" in cases[RETENTION].find("error").get("message")
    assert "alias_name" in cases[PRODUCTION].find("error").text
    assert list(cases[ROOT]) == []
    assert cases["cloudwatch"].find("error").get("type") == "unavailable"
    assert cases["s3"].find("skipped") is not None


def test_log_text_is_shown_never_hidden_and_the_xml_always_parses():
    result = make_result()
    burst = next(c for c in result.checks if c.check.id == BURST)
    burst.rows[0]["reason"] = "bell\x07 nul\x00 esc\x1b rlo\u202e surrogate\udc80 end"
    xml = junit_xml(findings_document(result, NOW))
    text = next(c for c in ET.fromstring(xml).iter("testcase") if c.get("name") == BURST).find("failure").text
    assert "bell⟨U+0007⟩ nul⟨U+0000⟩ esc⟨U+001B⟩ rlo⟨U+202E⟩ surrogate⟨U+DC80⟩ end" in text
    assert junit_errors(xml) == []
    assert xml_text(None) == "" and xml_text("a\tb\nc") == "a\tb\nc"
