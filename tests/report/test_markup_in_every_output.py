"""Markup written into a log field stays text in every output: escaped in HTML and XML, a quoted string in JSON,
a plain cell in CSV; never an element, never interpreted, and every file still parses and meets its schema.

The payloads ride in the places log text reaches: a failing row's resource and reason, an evidence column (a
CloudTrail userAgent), a check's error message, a source's detail, and the organisation's name."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from format_schemas import findings_errors, junit_errors, ocsf_errors, oscal_errors, sarif_errors
from report_support import NOW, scripts, tags, text
from sample_run import BURST, IMG, PRODUCTION, SCRIPT, make_result

from auditreport.report import write_reports
from auditreport.report.html import report_script

CDATA_END = '"]]></x>'
HOSTILE = f"{SCRIPT}{CDATA_END}{IMG}&amp;"
AGENT = f"Boto3/1.34 {SCRIPT} {CDATA_END}"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    result = make_result()
    result.organisation = f"Evil <b>Corp</b> {CDATA_END}"
    burst = next(c for c in result.checks if c.check.id == BURST)
    burst.columns.append("user_agent")
    burst.rows[0].update(resource=HOSTILE, reason=f"{HOSTILE} was denied 14 calls.", user_agent=AGENT,
                         source_key=f"AWSLogs/{SCRIPT}.json.gz", record_index=3)  # fmt: skip
    next(c for c in result.checks if c.check.id == PRODUCTION).message = f"Binder Error: {SCRIPT}"
    next(s for s in result.sources if s.name == "cloudwatch").detail = f"AccessDenied {CDATA_END}"
    out = tmp_path_factory.mktemp("hostile")
    write_reports(result, out, pdf=False, generated_at=NOW)
    return out


def test_html_shows_the_markup_as_text(out: Path):
    html = (out / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<b>Corp" not in html and "</x>" not in html
    assert not [t for t, attrs in tags(html) if t in ("x", "b") or "onerror" in attrs]
    assert scripts(html) == [({}, report_script())]  # the page's own script, and no other
    seen = text(html)
    assert SCRIPT in seen and AGENT in seen and "Evil <b>Corp</b>" in seen


def test_json_outputs_hold_the_markup_as_exact_strings_and_meet_their_schemas(out: Path):
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    row = next(c for c in findings["checks"] if c["id"] == BURST)["rows"][0]
    assert (row["resource"], row["user_agent"]) == (HOSTILE, AGENT) and findings_errors(findings) == []

    sarif = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == BURST)
    assert result["message"]["text"] == f"{HOSTILE} was denied 14 calls."
    assert result["locations"][0]["logicalLocations"][0]["name"] == HOSTILE
    assert "<" not in result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]  # percent-encoded
    assert sarif_errors(sarif) == []

    events = json.loads((out / "findings.ocsf.json").read_text(encoding="utf-8"))
    event = next(e for e in events if e["compliance"]["control"] == BURST)
    assert event["resources"][0]["uid"] == HOSTILE and ocsf_errors(events) == []

    oscal_text = (out / "assessment-results.oscal.json").read_text(encoding="utf-8")
    oscal = json.loads(oscal_text)["assessment-results"]
    observation = next(o for o in oscal["results"][0]["observations"] if o["title"].startswith(BURST))
    assert any(p["value"] == HOSTILE for e in observation["relevant-evidence"] for p in e.get("props", []))
    assert oscal["metadata"]["parties"][0]["name"] == f"Evil <b>Corp</b> {CDATA_END}"
    assert oscal_errors(oscal_text) == []


def test_junit_xml_escapes_the_markup_and_still_parses(out: Path):
    raw = (out / "junit.xml").read_bytes()
    assert b"<script" not in raw and b"]]>" not in raw and b"<x" not in raw and b"<b>" not in raw
    root = ET.fromstring(raw)
    assert {el.tag for el in root.iter()} <= {"testsuites", "testsuite", "properties", "property", "testcase",
                                              "failure", "error", "skipped"}  # fmt: skip
    failure = next(c for c in root.iter("testcase") if c.get("name") == BURST).find("failure")
    assert f"{HOSTILE}: {HOSTILE} was denied 14 calls." in failure.text
    error = next(c for c in root.iter("testcase") if c.get("name") == PRODUCTION).find("error")
    assert error.text == f"Binder Error: {SCRIPT}"
    source = next(c for c in root.iter("testcase") if c.get("name") == "cloudwatch")
    assert source.find("error").text.endswith(CDATA_END)
    assert junit_errors(raw) == []


def test_csv_keeps_the_markup_as_a_plain_cell(out: Path):
    with open(out / "evidence" / f"{BURST}.csv", newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (row["resource"], row["user_agent"]) == (HOSTILE, AGENT)
