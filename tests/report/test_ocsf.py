"""ocsf.py: findings.ocsf.json holds one OCSF Compliance Finding (class 2003) per check result, valid against the
class schema generated from the OCSF definition that ocsf-json-schema ships; missing evidence is never a Pass."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from format_schemas import ocsf_errors
from report_support import NOW
from sample_run import BURST, PRODUCTION, RETENTION, ROOT, UNAPPROVED, VERSIONING, catalogue, make_result

from auditreport.report.findings import findings_document
from auditreport.report.ocsf import OCSF_VERSION, ocsf_events


@pytest.fixture(scope="module")
def events(report_dir: Path) -> dict[str, dict]:
    return {e["compliance"]["control"]: e for e in json.loads((report_dir / "findings.ocsf.json").read_text())}


def test_the_events_meet_the_ocsf_class_schema(report_dir: Path):
    events = json.loads((report_dir / "findings.ocsf.json").read_text())
    assert {e["metadata"]["version"] for e in events} == {OCSF_VERSION}
    assert ocsf_errors(events) == []


def test_the_validator_is_not_vacuous(report_dir: Path):
    event = json.loads((report_dir / "findings.ocsf.json").read_text())[0]
    event["compliance"]["status_id"] = 7
    event["verdict_of_the_tool"] = "fine"
    assert len(ocsf_errors([event])) == 2


def test_one_compliance_finding_per_check_result(events, findings: dict):
    assert list(events) == [c["id"] for c in findings["checks"]]
    for event in events.values():
        ids = (event["class_uid"], event["category_uid"], event["activity_id"], event["type_uid"])
        assert ids == (2003, 2, 1, 200301)
        assert (event["class_name"], event["category_name"]) == ("Compliance Finding", "Findings")


def test_statuses_severities_and_requirements(events):
    statuses = {k: (e["compliance"]["status_id"], e["compliance"]["status"]) for k, e in events.items()}
    assert statuses[UNAPPROVED] == (3, "Fail") and statuses[ROOT] == (1, "Pass")
    assert statuses[RETENTION] == statuses[PRODUCTION] == (0, "Unknown")  # never Pass
    assert "no_data: source 'cloudwatch' unavailable" in events[RETENTION]["compliance"]["status_details"][0]
    assert (events[UNAPPROVED]["severity_id"], events[UNAPPROVED]["severity"]) == (5, "Critical")
    assert events[BURST]["severity_id"] == 3
    check = catalogue().check(UNAPPROVED)
    assert events[UNAPPROVED]["compliance"]["requirements"] == [
        f"{fw}:{req}" for fw, reqs in check.frameworks.items() for req in reqs]
    assert "SOC 2" in " ".join(events[UNAPPROVED]["compliance"]["standards"])
    assert events[UNAPPROVED]["remediation"]["desc"] == check.remediation


def test_resources_are_the_failing_rows_of_a_failing_check_and_every_row_otherwise(events):
    failing = events[UNAPPROVED]["resources"]
    assert len(failing) == 13 and {r["data"]["status"] for r in failing} == {"fail"}
    assert failing[0]["data"]["row"] == 1 and failing[0]["owner"]["account"]["uid"] == "111122223333"
    assert len(events[VERSIONING]["resources"]) == 5 and events[ROOT]["resources"] == []


def test_the_finding_uid_is_stable_from_run_to_run_and_the_event_uid_is_not():
    first = ocsf_events(findings_document(make_result(), NOW))
    later = make_result()
    later.run_id = "20261102T020000Z-abcdef"
    second = ocsf_events(findings_document(later, datetime(2026, 11, 2, tzinfo=timezone.utc)))
    assert [e["finding_info"]["uid"] for e in first] == [e["finding_info"]["uid"] for e in second]
    assert len({e["finding_info"]["uid"] for e in first}) == len(first)
    assert {e["metadata"]["uid"] for e in first}.isdisjoint(e["metadata"]["uid"] for e in second)
