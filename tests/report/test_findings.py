"""findings.py: findings.json holds every row of every check, in report order, as JSON-safe values."""

from __future__ import annotations

import json

from report_support import NOW
from sample_run import (
    BURST,
    PRODUCTION,
    RETENTION,
    ROOT,
    UNAPPROVED,
    catalogue,
    make_result,
)

from auditreport.report.findings import SCHEMA_VERSION, findings_document


def test_findings_json_round_trips_with_every_row(findings: dict):
    assert findings["schema_version"] == SCHEMA_VERSION == 1
    assert findings["tool"] == {"name": "auditreport", "version": "0.1.0"}
    assert findings["period"]["start"] == "2026-10-01T00:00:00Z" and findings["period"]["end"] == "2026-11-01T00:00:00Z"
    assert findings["generated_at"] == "2026-11-01T02:03:30Z"
    assert findings["complete"] is False and len(findings["incomplete_reasons"]) == 3
    assert findings["summary"]["by_status"] == {"pass": 2, "fail": 3, "error": 1, "no_data": 1, "info": 1}
    assert findings["summary"]["failing_by_severity"]["critical"] == 1
    checks = {c["id"]: c for c in findings["checks"]}
    unapproved = checks[UNAPPROVED]
    assert len(unapproved["rows"]) == 40 and unapproved["row_counts"] == {"pass": 27, "fail": 13, "info": 0}
    assert [r["status"] for r in unapproved["rows"][:13]] == ["fail"] * 13
    assert unapproved["rows"][0]["endpoint_last_modified_time"].endswith("Z")
    assert unapproved["evidence_file"] == f"evidence/{UNAPPROVED}.csv"
    assert unapproved["columns"][:3] == ["resource", "status", "reason"]
    assert unapproved["domain"] == "model_governance" and unapproved["requires"] == ["sagemaker_deployments"]
    assert checks[BURST]["rows"][0]["burst_start"] == "2026-10-17T03:02:00Z"
    assert checks[BURST]["rows"][0]["session_names"] == ["evil\u202etxt.exe"]  # exact, not prettified
    assert checks["mlflow_production_alias_changes"]["rows"][0]["hours_between"] == 24.5  # a Decimal
    assert checks[RETENTION]["status"] == "no_data" and checks[RETENTION]["message"]
    assert checks[PRODUCTION]["status"] == "error" and "alias_name" in checks[PRODUCTION]["message"]
    assert checks[ROOT]["rows"] == [] and checks[ROOT]["evidence_file"] is None
    assert {s["name"]: s["status"] for s in findings["sources"]}["cloudwatch"] == "unavailable"


def test_a_check_is_described_by_its_catalogue_entry():
    doc = findings_document(make_result(), NOW)
    entry = next(c for c in doc["checks"] if c["id"] == ROOT)
    check = catalogue().check(ROOT)
    assert (entry["title"], entry["severity"], entry["kind"]) == (check.title, check.severity, check.kind)
    assert entry["frameworks"] == check.frameworks and entry["remediation"] == check.remediation
    assert len(entry["sql_sha256"]) == 64


def test_findings_json_names_and_meets_its_published_schema(report_dir, findings: dict):
    from format_schemas import findings_errors

    from auditreport.report.findings import SCHEMA_FILE, findings_schema_text

    assert findings["$schema"] == SCHEMA_FILE == "findings.schema.json"
    assert (report_dir / SCHEMA_FILE).read_text(encoding="utf-8") == findings_schema_text()  # resolves beside it
    assert findings_errors(findings) == []


def test_the_schema_refuses_what_findings_json_never_holds(findings: dict):
    import copy

    from format_schemas import findings_errors

    def broken(change) -> list[str]:
        doc = copy.deepcopy(findings)
        change(doc)
        return findings_errors(doc)

    assert any("'passed' is not one of" in e for e in broken(lambda d: d["checks"][0].update(status="passed")))
    assert any("'urgent' is not one of" in e for e in broken(lambda d: d["checks"][0].update(severity="urgent")))
    no_reason = broken(lambda d: d["checks"][0]["rows"][0].pop("reason"))
    assert any("'reason' is a required property" in e for e in no_reason)
    assert any("'checks' is a required property" in e for e in broken(lambda d: d.pop("checks")))
    assert broken(lambda d: d["period"].update(start="2026-10-01 00:00"))  # not ISO 8601 UTC with Z
    no_data = next(i for i, c in enumerate(findings["checks"]) if c["status"] == "no_data")
    assert broken(lambda d: d["checks"][no_data].update(message=""))  # no_data must say why


def test_a_user_check_returning_other_types_keeps_every_format_valid():
    """A check of the user's own may return a NULL resource or reason, or evidence columns of other types."""
    from format_schemas import findings_errors, ocsf_errors, oscal_errors

    from auditreport.report.ocsf import ocsf_events
    from auditreport.report.oscal import assessment_results
    from auditreport.report.sarif import sarif_document

    result = make_result()
    burst = next(c for c in result.checks if c.check.id == BURST)
    burst.rows[0].update(resource=None, reason=None, source_key=42, record_index="7")
    doc = findings_document(result, NOW)
    assert findings_errors(doc) == []
    found = next(r for r in sarif_document(doc)["runs"][0]["results"] if r["ruleId"] == BURST)
    assert found["locations"][0]["logicalLocations"][0]["name"] == "(no resource)"
    assert "physicalLocation" not in found["locations"][0] and found["message"]["text"].endswith("failed for None.")
    assert ocsf_errors(ocsf_events(doc)) == []
    assert oscal_errors(assessment_results(doc).oscal_serialize_json(wrapped=True)) == []


def test_findings_json_with_a_trend_meets_the_schema_too(tmp_path):
    """A second run compared with the first (history_dir): the trend section is held to the schema as well."""
    from format_schemas import findings_errors

    from auditreport.report import write_reports

    first = make_result()
    first.run_id = "2026-09-first"
    history = tmp_path / "history"
    write_reports(first, tmp_path / "first", generated_at=NOW, pdf=False, history_dir=history, keep_history=True)
    out = write_reports(make_result(), tmp_path / "second", generated_at=NOW, pdf=False, history_dir=history)
    doc = json.loads(out["findings_json"].read_text(encoding="utf-8"))
    assert doc["trend"]["previous_run"]["run_id"] == "2026-09-first" and doc["trend"]["counts"]["persisting"] == 15
    assert findings_errors(doc) == []
