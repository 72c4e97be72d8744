"""auditreport.manifest: manifest.json records what the run was and read (tool, run id, config hash, period, inputs
with SHA-256, timings, outputs with their hashes), written atomically."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditreport import __version__
from auditreport.manifest import write_manifest
from auditreport.period import Period
from auditreport.results import InputFile, RunResult, SourceStatus


@pytest.fixture
def result(tmp_path) -> RunResult:
    out = tmp_path / "it's out"
    (out / "evidence").mkdir(parents=True)
    (out / "findings.json").write_text('{"x": 1}')
    (out / "evidence" / "c.csv").write_text("a\n1\n")
    (out / "audit.duckdb").write_bytes(b"db")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("<p>")
    return RunResult(
        run_id="2026-10-20261101T020000Z-abc123", tool_version=__version__, organisation="Org", period=Period(2026, 10),
        config_path="/c/audit.toml", config_sha256="f" * 64,
        started_at=datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc),
        finished_at=datetime(2026, 11, 1, 2, 1, 30, tzinfo=timezone.utc), out_dir=out,
        sources=[SourceStatus("cloudtrail", "files", "ok", location="/d", objects_read=2, records_loaded=10,
                              time_min=datetime(2026, 10, 1), time_max=datetime(2026, 10, 31, 23),
                              tables=["cloudtrail_events"]),
                 SourceStatus("iam", "files", "unavailable", detail="/x: directory not found")],
        inputs=[InputFile("cloudtrail", "AWSLogs/k.json.gz", "a" * 64, 123, records=10)],
        table_counts={"cloudtrail_events": 10}, timings={"load.cloudtrail": 1.5},
        outputs={"findings_json": out / "findings.json", "evidence:c": out / "evidence" / "c.csv",
                 "audit_duckdb": out / "audit.duckdb", "evidence_dir": out / "evidence", "report_html": elsewhere},
        policy={"min_log_retention_days": 365},
    )  # fmt: skip


def test_write_manifest_records_the_run(result):
    out = result.out_dir
    assert write_manifest(result, out) == {"manifest": out / "manifest.json"}
    body = json.loads((out / "manifest.json").read_text())
    assert body["schema_version"] == 1
    assert body["tool"] == {"name": "auditreport", "version": __version__}
    assert (body["run_id"], body["organisation"]) == ("2026-10-20261101T020000Z-abc123", "Org")
    assert body["period"] == {"label": "2026-10", "kind": "month", "months": 1, "start": "2026-10-01T00:00:00Z",
                              "end": "2026-11-01T00:00:00Z"}
    assert body["retention_deleted"] == []
    assert body["config"] == {"path": "/c/audit.toml", "sha256": "f" * 64}
    assert body["policy"] == {"min_log_retention_days": 365}
    assert (body["started_at"], body["finished_at"]) == ("2026-11-01T02:00:00Z", "2026-11-01T02:01:30Z")
    assert body["timings_seconds"] == {"load.cloudtrail": 1.5}
    assert body["table_counts"] == {"cloudtrail_events": 10}


def test_write_manifest_records_completeness_and_why(result):
    body = json.loads((result.out_dir / write_manifest(result, result.out_dir)["manifest"].name).read_text())
    assert body["complete"] is False
    assert body["incomplete_reasons"] == ["source 'iam' unavailable: /x: directory not found"]


def test_write_manifest_records_every_input_with_its_sha256(result):
    body = json.loads(write_manifest(result, result.out_dir)["manifest"].read_text())
    assert body["inputs"] == [{"source": "cloudtrail", "key": "AWSLogs/k.json.gz", "sha256": "a" * 64,
                               "size_bytes": 123, "records": 10, "status": "loaded"}]  # fmt: skip
    ct = body["sources"][0]
    assert (ct["name"], ct["status"], ct["objects_read"], ct["records_loaded"]) == ("cloudtrail", "ok", 2, 10)
    assert ct["time_min"].startswith("2026-10-01T00:00:00") and ct["time_max"].startswith("2026-10-31T23:00:00")
    assert body["sources"][1]["time_min"] is None


def test_write_manifest_hashes_output_files_relative_to_out_but_not_the_database(result):
    out = result.out_dir
    outputs = json.loads(write_manifest(result, out)["manifest"].read_text())["outputs"]
    assert outputs["findings_json"] == {"path": "findings.json",
                                        "sha256": hashlib.sha256(b'{"x": 1}').hexdigest()}  # fmt: skip
    assert outputs["evidence:c"] == {"path": "evidence/c.csv", "sha256": hashlib.sha256(b"a\n1\n").hexdigest()}
    assert outputs["audit_duckdb"] == {"path": str(out / "audit.duckdb")}  # changes when opened: not hashed
    assert outputs["evidence_dir"] == {"path": str(out / "evidence")}  # a folder: not hashed
    html = Path(result.outputs["report_html"])
    assert outputs["report_html"] == {"path": str(html), "sha256": hashlib.sha256(b"<p>").hexdigest()}


def test_write_manifest_under_another_name_is_written_atomically(result):
    out = result.out_dir
    (out / "extract-manifest.json").write_text("old")
    assert write_manifest(result, out, name="extract-manifest.json") == {
        "extract_manifest": out / "extract-manifest.json"}
    assert json.loads((out / "extract-manifest.json").read_text())["run_id"] == result.run_id
    assert not (out / "manifest.json").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_write_manifest_of_an_unfinished_run(result):
    result.finished_at = None
    result.outputs = {}
    body = json.loads(write_manifest(result, result.out_dir)["manifest"].read_text())
    assert body["finished_at"] is None and body["outputs"] == {}


def test_write_manifest_seals_itself_and_records_the_digests(result):
    from auditreport.integrity import inputs_digest, unseal

    result.integrity.update(findings_sha256="e" * 64, report_pdf_signed=False)
    data = write_manifest(result, result.out_dir)["manifest"].read_bytes()
    body = json.loads(data)
    assert list(body)[0] == "manifest_sha256"
    assert unseal(data) == (body["manifest_sha256"], body["manifest_sha256"])
    assert body["integrity"] == {"inputs_sha256": inputs_digest(result.inputs), "findings_sha256": "e" * 64,
                                 "report_pdf_signed": False}  # fmt: skip
