"""sarif.py: findings.sarif is SARIF 2.1.0 (the OASIS schema), one rule per check, one result per failing row,
and a notification for every check or source that could not give evidence."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from format_schemas import sarif_errors
from report_support import NOW
from sample_run import BURST, PRODUCTION, RETENTION, UNAPPROVED, VALIDATION, catalogue, make_result

from auditreport.report.findings import findings_document
from auditreport.report.sarif import SARIF_SCHEMA, artifact_uri, sarif_document


@pytest.fixture(scope="module")
def sarif(report_dir: Path) -> dict:
    return json.loads((report_dir / "findings.sarif").read_text(encoding="utf-8"))


def test_the_log_meets_the_sarif_schema(sarif: dict):
    assert sarif["version"] == "2.1.0" and sarif["$schema"] == SARIF_SCHEMA
    assert sarif_errors(sarif) == []


def test_one_rule_per_check_with_its_remediation_severity_and_frameworks(sarif: dict, findings: dict):
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c["id"] for c in findings["checks"]]
    rule = next(r for r in rules if r["id"] == UNAPPROVED)
    check = catalogue().check(UNAPPROVED)
    assert rule["shortDescription"]["text"] == check.title and rule["help"]["text"] == check.remediation
    assert rule["fullDescription"]["text"] == check.description
    assert rule["properties"]["severity"] == "critical" and rule["properties"]["frameworks"] == check.frameworks
    assert rule["defaultConfiguration"]["level"] == "error" and rule["properties"]["security-severity"] == "9.5"


def test_one_result_per_failing_row_with_the_row_reason_and_resource(sarif: dict, findings: dict):
    results = sarif["runs"][0]["results"]
    failing = [(c, r) for c in findings["checks"] for r in c["rows"] if r["status"] == "fail"]
    assert len(results) == len(failing) == 13 + 1 + 1
    for result, (check, row) in zip(results, failing):
        assert result["ruleId"] == check["id"] and result["message"]["text"] == row["reason"]
        assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == row["resource"]
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels == {UNAPPROVED: "error", VALIDATION: "error", BURST: "warning"}
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_checks_that_could_not_run_and_sources_missing_are_notifications(sarif: dict):
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False  # the report is incomplete
    notes = invocation["toolExecutionNotifications"]
    by_rule = {n["associatedRule"]["id"]: n for n in notes if "associatedRule" in n}
    assert set(by_rule) == {PRODUCTION, RETENTION}
    assert by_rule[PRODUCTION]["level"] == "error" and "alias_name" in by_rule[PRODUCTION]["message"]["text"]
    assert "not a pass" in by_rule[RETENTION]["message"]["text"]
    assert [n["properties"]["source"] for n in notes if "source" in n.get("properties", {})] == ["cloudwatch"]


def test_the_evidence_object_and_record_are_locations():
    result = make_result()
    burst = next(c for c in result.checks if c.check.id == BURST)
    key = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/17/a b#c.json.gz"
    burst.rows[0].update(source_key=key, record_index=7, source_keys=[key, "s3://trail bucket/x y.json.gz"])
    run = sarif_document(findings_document(result, NOW))["runs"][0]
    found = next(r for r in run["results"] if r["ruleId"] == BURST)
    location = found["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/17/a%20b%23c.json.gz", "uriBaseId": "SOURCE_ROOT"}
    assert "SOURCE_ROOT" in run["originalUriBaseIds"]
    assert location["properties"] == {"source_key": key, "record_index": 7}
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in found["relatedLocations"]] == [
        "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/17/a%20b%23c.json.gz", "s3://trail%20bucket/x%20y.json.gz"]
    assert sarif_errors({"version": "2.1.0", "runs": [run]}) == []


def test_a_finding_keeps_its_fingerprint_from_one_run_to_the_next():
    first = sarif_document(findings_document(make_result(), NOW))
    later = make_result()
    later.run_id = "20261201T020000Z-000000"
    second = sarif_document(findings_document(later, datetime(2026, 12, 1, tzinfo=timezone.utc)))
    prints = [[r["partialFingerprints"] for r in log["runs"][0]["results"]] for log in (first, second)]
    assert prints[0] == prints[1] and len({json.dumps(p) for p in prints[0]}) == len(prints[0])
    doc = findings_document(make_result(), NOW)
    failing = [fp for c in doc["checks"] for r, fp in zip(c["rows"], c["row_fingerprints"]) if r["status"] == "fail"]
    assert [p["auditreportFinding/v1"] for p in prints[0]] == failing  # the identity findings.json and the trend use


def test_artifact_uri_encodes_what_a_uri_cannot_hold():
    assert artifact_uri("AWSLogs/1/x.json.gz") == "AWSLogs/1/x.json.gz"
    assert artifact_uri("sagemaker/DescribeModel/a:b c.json") == "sagemaker/DescribeModel/a%3Ab%20c.json"
    assert artifact_uri("s3://bucket/k ey#1") == "s3://bucket/k%20ey%231"

