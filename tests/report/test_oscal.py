"""oscal.py: assessment-results.oscal.json is OSCAL 1.1.x Assessment Results built with compliance-trestle: one
observation per check result, one finding per failing check and framework requirement, targets the requirements."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from format_schemas import oscal_errors
from report_support import NOW
from sample_run import PRODUCTION, RETENTION, UNAPPROVED, catalogue, make_result

from auditreport.report.findings import findings_document
from auditreport.report.oscal import assessment_results, control_token


@pytest.fixture(scope="module")
def text(report_dir: Path) -> str:
    return (report_dir / "assessment-results.oscal.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(text: str) -> dict:
    return json.loads(text)["assessment-results"]["results"][0]


def test_the_document_is_oscal_1_1_assessment_results(text: str):
    doc = json.loads(text)["assessment-results"]
    assert doc["metadata"]["oscal-version"].startswith("1.1.")
    assert oscal_errors(text) == []
    broken = json.loads(text)
    del broken["assessment-results"]["results"][0]["observations"][0]["methods"]
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["type"] = "control"
    assert len(oscal_errors(json.dumps(broken))) >= 2


def test_one_observation_per_check_result(result: dict, findings: dict):
    observations = result["observations"]
    assert [o["title"].split(":")[0] for o in observations] == [c["id"] for c in findings["checks"]]
    assert all(o["methods"] == ["TEST"] for o in observations)
    by_id = {o["title"].split(":")[0]: o for o in observations}
    assert "not a pass" in by_id[RETENTION]["description"] and "not a pass" in by_id[PRODUCTION]["description"]
    props = {p["name"]: p["value"] for p in by_id[UNAPPROVED]["props"]}
    assert props["check-status"] == "fail" and props["rows-failing"] == "13" and props["severity"] == "critical"
    evidence = by_id[UNAPPROVED]["relevant-evidence"]
    assert evidence[0]["href"] == f"evidence/{UNAPPROVED}.csv" and len(evidence) == 1 + 13


def test_one_finding_per_failing_check_and_requirement_targeting_it(result: dict, findings: dict):
    failing = [c for c in findings["checks"] if c["status"] == "fail"]
    assert len(result["findings"]) == sum(len(r) for c in failing for r in c["frameworks"].values())
    reviewed = {c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]}
    observations = {o["uuid"] for o in result["observations"]}
    for finding in result["findings"]:
        assert finding["target"]["target-id"] in reviewed and finding["target"]["type"] == "objective-id"
        assert finding["target"]["status"]["state"] == "not-satisfied"
        assert finding["related-observations"][0]["observation-uuid"] in observations
    soc2 = catalogue().frameworks["soc2"]
    req = catalogue().check(UNAPPROVED).frameworks["soc2"][0]
    target = next(f["target"] for f in result["findings"] if f["target"]["target-id"] == control_token("soc2", req))
    assert target["title"] == f"{soc2.name} {req}" and target["description"] == soc2.requirements[req]


def test_control_ids_are_oscal_tokens():
    assert control_token("soc2", "CC7.2") == "soc2_CC7.2"
    assert control_token("hipaa", "164.312(b)") == "hipaa_164.312_b_"
    assert control_token("nist_ai_rmf", "MANAGE 4.1") == "nist_ai_rmf_MANAGE_4.1"
    assert control_token("9fw", "x") == "_9fw_x"


def test_observation_and_finding_uuids_are_stable_from_run_to_run():
    later = make_result()
    later.run_id = "20261102T020000Z-abcdef"
    docs = [findings_document(make_result(), NOW), findings_document(later, datetime(2026, 11, 2, tzinfo=timezone.utc))]
    first, second = (assessment_results(d, catalogue().frameworks).results[0] for d in docs)
    assert [o.uuid for o in first.observations] == [o.uuid for o in second.observations]
    assert [f.uuid for f in first.findings] == [f.uuid for f in second.findings]
    assert first.uuid != second.uuid  # the result is the run's
