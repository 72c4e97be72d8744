"""Markup written into CloudTrail by whoever can call an API stays text in every output of a real run.

One CloudTrail object holds a root sign-in whose sourceIPAddress is ``<script>alert(1)</script>`` and whose
userAgent is ``"]]></x><img src=x onerror=alert(2)>``: text any caller chooses. It goes through the real loader and
the real ``root_account_activity`` check into the row's reason and evidence columns, and from there into every
output. Only CloudTrail is configured, so the other checks are ``no_data``: the run is incomplete, as it should be."""

from __future__ import annotations

import csv
import gzip
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from format_schemas import findings_errors, junit_errors, ocsf_errors, oscal_errors, sarif_errors

from auditreport.config import load_config
from auditreport.report.html import report_script
from auditreport.runner import run

ACCOUNT = "444455556666"
SCRIPT = "<script>alert(1)</script>"
AGENT = '"]]></x><img src=x onerror=alert(2)>'
KEY = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/10/17/{ACCOUNT}_CloudTrail_us-east-1_20261017T1005Z_hostile0001.json.gz"
RECORD = {
    "eventVersion": "1.08",
    "userIdentity": {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT},
    "eventTime": "2026-10-17T09:12:44Z", "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
    "awsRegion": "us-east-1", "sourceIPAddress": SCRIPT, "userAgent": AGENT, "requestParameters": None,
    "responseElements": {"ConsoleLogin": "Success"}, "eventID": "0f0e0d0c-0b0a-4909-8807-060504030201",
    "readOnly": False, "eventType": "AwsConsoleSignIn", "managementEvent": True, "recipientAccountId": ACCOUNT,
}  # fmt: skip


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("markup")
    obj = root / "cloudtrail" / KEY
    obj.parent.mkdir(parents=True)
    obj.write_bytes(gzip.compress(json.dumps({"Records": [RECORD]}).encode()))
    config = root / "auditreport.toml"
    config.write_text('organisation = "Markup test"\nperiod = "2026-10"\n\n'
                      '[sources.cloudtrail]\nkind = "files"\npath = "cloudtrail"\n')  # fmt: skip
    cfg = load_config(config)
    result = run(cfg, cfg.resolve_period(), root / "out")
    root_check = next(c for c in result.checks if c.check.id == "root_account_activity")
    assert root_check.status == "fail" and root_check.rows[0]["source_ip_address"] == SCRIPT
    return root / "out"


def test_the_html_report_shows_it_as_text(out: Path):
    html = (out / "report.html").read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(html)
    assert not [t for t, attrs in parser.found if t == "x" or "onerror" in attrs]
    # one script element, the page's own (sorting and filtering), word for word
    assert [t for t, _ in parser.found].count("script") == 1 and f"<script>{report_script()}</script>" in html
    assert SCRIPT not in html and "<img src=x" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_json_outputs_hold_it_as_exact_strings(out: Path):
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    row = next(c for c in findings["checks"] if c["id"] == "root_account_activity")["rows"][0]
    assert (row["source_ip_address"], row["user_agent"], row["source_key"]) == (SCRIPT, AGENT, KEY)
    assert findings_errors(findings) == []
    sarif = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "root_account_activity")
    assert SCRIPT in result["message"]["text"] and result["locations"][0]["properties"]["source_key"] == KEY
    assert sarif_errors(sarif) == []
    events = json.loads((out / "findings.ocsf.json").read_text(encoding="utf-8"))
    event = next(e for e in events if e["compliance"]["control"] == "root_account_activity")
    assert SCRIPT in event["resources"][0]["data"]["reason"] and ocsf_errors(events) == []
    oscal = (out / "assessment-results.oscal.json").read_text(encoding="utf-8")
    assert SCRIPT in oscal and oscal_errors(oscal) == []


def test_junit_xml_escapes_it_and_parses(out: Path):
    raw = (out / "junit.xml").read_bytes()
    assert b"<script" not in raw and b"]]>" not in raw
    root = ET.fromstring(raw)
    failure = next(c for c in root.iter("testcase") if c.get("name") == "root_account_activity").find("failure")
    assert SCRIPT in failure.text and junit_errors(raw) == []


def test_csv_keeps_it_as_a_plain_cell(out: Path):
    with open(out / "evidence" / "root_account_activity.csv", newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (row["source_ip_address"], row["user_agent"]) == (SCRIPT, AGENT)
