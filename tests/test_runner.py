"""auditreport.runner: run() extracts every configured source, loads the lake, runs every check and writes the
reports; a source that cannot be read is 'unavailable' (its checks no_data, exit code 2), a source left out is
'not_configured'; extract() loads without checking or reporting.

One whole run for the module, on the sample configuration edited in a tmp_path copy: CloudTrail points at a folder
that does not exist (so the run is quick and the source unavailable) and MLflow is left out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditreport import lake
from auditreport.checks.catalogue import load_catalogue
from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.errors import CheckDefinitionError
from auditreport.lake.connection import has_files
from auditreport.period import Period
from auditreport.results import EXIT_INCOMPLETE
from auditreport.runner import Run, extract, new_run_id, run

SAMPLE_DIR = SAMPLE_CONFIG.parent
REPO = Path(__file__).resolve().parent.parent


def _edited_sample_config(folder: Path) -> Path:
    """The sample configuration, copied: cloudtrail -> a missing folder, the other file sources -> the sample data,
    and no [sources.mlflow]."""
    text = SAMPLE_CONFIG.read_text()
    text = text.replace('path = "cloudtrail"', 'path = "no-such-folder"')
    text = text.replace('path = "aws"', f'path = "{SAMPLE_DIR / "aws"}"')
    head, sep, tail = text.partition("[sources.mlflow]")
    assert sep, "the sample configuration has no [sources.mlflow] table any more"
    text = head + tail.replace('kind = "files"\npath = "mlflow"\n', "", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "auditreport.toml"
    path.write_text(text)
    return path


def _checks_reading(tables: set[str]) -> set[str]:
    return {c.id for c in load_catalogue() if tables & set(getattr(c, "lake_tables", c.requires))}


EXAMPLE_CHECK = REPO / "docs" / "examples" / "checks" / "sagemaker_endpoint_naming.sql"
BROKEN_CHECK = """/*---
id: broken_check
title: A check whose header names a framework that does not exist
severity: medium
kind: posture
frameworks: {pci_dss: [A.1]}
requires: [sagemaker_deployments]
description: x
remediation: x
---*/
select endpoint_name as resource, 'pass' as status, 'x' as reason from sagemaker_deployments
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    path = _edited_sample_config(tmp_path_factory.mktemp("conf") / "it's conf")
    checks = path.parent / "checks"  # checks of the user's own: the documented example, and a broken one
    (checks / "naming").mkdir(parents=True)
    for suffix in (".sql", ".yaml"):
        (checks / "naming" / EXAMPLE_CHECK.with_suffix(suffix).name).write_text(EXAMPLE_CHECK.with_suffix(suffix).read_text())
    (checks / "broken_check.sql").write_text(BROKEN_CHECK)
    path.write_text('checks_dir = "checks"\n' + path.read_text())
    cfg = load_config(path)
    assert "mlflow" not in cfg.sources and cfg.sources["cloudtrail"].path.name == "no-such-folder"
    assert cfg.checks_dir == checks.resolve()
    return cfg


@pytest.fixture(scope="module")
def finished(config, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "it's out"
    return run(config, config.resolve_period(), out), out


def test_a_run_loads_the_frameworks_of_the_configurations_frameworks_dir(tmp_path):
    user = tmp_path / "conf" / "frameworks"
    user.mkdir(parents=True)
    (user / "acme_ml.yaml").write_text('id: acme_ml\nname: "ACME ML"\nrequirements: {ML-1: "Logs are kept."}\n')
    cfg_path = tmp_path / "conf" / "audit.toml"
    cfg_path.write_text('frameworks_dir = "frameworks"\n')
    r = Run(load_config(cfg_path), Period.parse("2026-10"), tmp_path / "out")
    assert r.catalogue.frameworks["acme_ml"].user_file == (user / "acme_ml.yaml").resolve()
    assert r.result.catalogue is r.catalogue  # the report reads the frameworks from the result
    (user / "acme_ml.yaml").write_text("id: acme_ml\nname: [\n")
    with pytest.raises(CheckDefinitionError, match=r"acme_ml\.yaml: not valid YAML"):
        Run(load_config(cfg_path), Period.parse("2026-10"), tmp_path / "out")
    assert not (tmp_path / "out").exists()  # stopped before any work


def test_new_run_id_is_period_utc_time_and_a_random_suffix():
    ids = {new_run_id(Period(2026, 10)) for _ in range(20)}
    assert len(ids) == 20
    for i in ids:
        assert re.fullmatch(r"2026-10-\d{8}T\d{6}Z-[0-9a-f]{6}", i), i


def test_a_source_pointing_to_a_missing_folder_is_unavailable(finished):
    result, _ = finished
    ct = {s.name: s for s in result.sources}["cloudtrail"]
    assert (ct.kind, ct.status) == ("files", "unavailable")
    assert "no-such-folder" in ct.detail and "directory not found" in ct.detail
    assert ct.tables == lake.tables_of("cloudtrail")
    assert any(r.startswith("source 'cloudtrail' unavailable: ") for r in result.incomplete_reasons)


def test_checks_of_an_unavailable_sources_tables_are_no_data(finished):
    result, _ = finished
    by_id = {c.check.id: c for c in result.checks}
    affected = _checks_reading(set(lake.tables_of("cloudtrail"))) - _checks_reading(set(lake.tables_of("mlflow")))
    assert affected
    for cid in affected:
        assert by_id[cid].status == "no_data", cid
        assert "source 'cloudtrail' unavailable" in by_id[cid].message


def test_a_source_left_out_of_the_config_is_not_configured(finished):
    result, _ = finished
    ml = {s.name: s for s in result.sources}["mlflow"]
    assert (ml.kind, ml.status, ml.detail) == ("not_configured", "not_configured", "not in the configuration")
    by_id = {c.check.id: c for c in result.checks}
    for cid in _checks_reading(set(lake.tables_of("mlflow"))):
        assert by_id[cid].status == "no_data" and "source 'mlflow' is not configured" in by_id[cid].message


def test_the_other_sources_load_and_their_checks_run(finished):
    result, out = finished
    statuses = {s.name: s.status for s in result.sources}
    assert statuses == {"cloudtrail": "unavailable", "trails": "ok", "sagemaker": "ok", "cloudwatch": "ok",
                        "iam": "ok", "s3": "ok", "eks": "ok", "mlflow": "not_configured"}  # fmt: skip
    for name in ("trails", "sagemaker", "cloudwatch", "iam", "s3", "eks"):
        src = {s.name: s for s in result.sources}[name]
        assert src.objects_loaded > 0 and src.records_loaded > 0, name
        assert any(has_files(out / "lake", t) for t in lake.tables_of(name)), name
    missing = _checks_reading(set(lake.tables_of("cloudtrail")) | set(lake.tables_of("mlflow")))
    ran = [c for c in result.checks if c.check.id not in missing and c.check.origin == "built-in"]
    assert ran and all(c.status in ("pass", "fail", "info") for c in ran), [(c.check.id, c.status) for c in ran]
    assert {c.check.id for c in result.checks} == {c.id for c in load_catalogue()} | {"sagemaker_endpoint_naming",
                                                                                       "broken_check"}
    assert set(result.table_counts) == set(lake.TABLES)
    assert result.table_counts["cloudtrail_events"] == 0 and result.table_counts["iam_principals"] > 0


def test_checks_of_the_users_own_run_beside_the_built_in_ones_and_a_broken_one_is_an_error_alone(finished, config):
    result, out = finished
    by_id = {c.check.id: c for c in result.checks}
    naming, broken = by_id["sagemaker_endpoint_naming"], by_id["broken_check"]
    assert (naming.check.origin, naming.check.domain, naming.status) == ("user", "naming", "fail")
    assert [r["resource"] for r in naming.failing_rows] == ["legacy-recs"]  # the sample's one endpoint without -prod
    assert (broken.check.origin, broken.check.domain, broken.status) == ("user", "custom", "error")
    assert broken.message.startswith(f"{config.checks_dir / 'broken_check.sql'}:6: unknown framework 'pci_dss'")
    assert f"check 'broken_check' error: {broken.message}" in result.incomplete_reasons  # not verified: incomplete
    findings = {c["id"]: c for c in json.loads((out / "findings.json").read_text())["checks"]}
    assert findings["sagemaker_endpoint_naming"]["origin"] == "user" and findings["broken_check"]["status"] == "error"
    assert findings["iam_ml_role_wildcard_actions"]["origin"] == "built-in"
    html = (out / "report.html").read_text()
    assert "a check of your own (checks_dir)" in html and "broken_check.sql:6: unknown framework" in html


def test_an_incomplete_run_exits_2_whatever_fail_on_says(finished):
    result, _ = finished
    assert not result.complete
    assert result.exit_code() == result.exit_code("critical") == result.exit_code("info") == EXIT_INCOMPLETE == 2


def test_the_run_writes_its_reports_database_and_manifest(finished, config):
    result, out = finished
    for key in ("audit_duckdb", "findings_json", "report_html", "report_pdf", "manifest"):
        assert Path(result.outputs[key]).is_file(), key
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run_id"] == result.run_id and manifest["complete"] is False
    assert manifest["config"] == {"path": str(config.config_path), "sha256": config.config_sha256}
    assert result.finished_at is not None and result.finished_at >= result.started_at
    assert {"check", "report"} <= set(result.timings)


def test_extract_loads_the_lake_and_writes_extract_manifest_but_no_report(config, tmp_path):
    out = tmp_path / "extract out"
    result = extract(config, config.resolve_period(), out)
    assert (out / "extract-manifest.json").is_file()
    assert result.outputs == {"extract_manifest": out / "extract-manifest.json"}
    for name in ("manifest.json", "report.html", "report.pdf", "findings.json", "audit.duckdb"):
        assert not (out / name).exists(), name
    assert result.checks == []
    assert {s.name: s.status for s in result.sources}["cloudtrail"] == "unavailable"
    assert has_files(out / "lake", "iam_principals")
    body = json.loads((out / "extract-manifest.json").read_text())
    assert body["run_id"] == result.run_id and body["period"]["label"] == "2026-10"
    assert any(r.startswith("source 'cloudtrail' unavailable") for r in body["incomplete_reasons"])


def test_new_run_id_of_a_quarter_a_year_and_a_range():
    assert new_run_id(Period.parse("2026-Q4")).startswith("2026-Q4-2")
    assert new_run_id(Period.parse("2026")).startswith("2026-2")
    assert new_run_id(Period.parse("2026-01..2026-06")).startswith("2026-01_to_2026-06-")


def test_retention_deletes_what_is_older_and_the_manifest_lists_it(tmp_path):
    """[retention] applied by a run: a raw CloudTrail day folder and a lake month from long ago go, listed in the
    manifest; the period's own months stay."""
    out = tmp_path / "out"
    old_raw = out / "raw" / "cloudtrail" / "AWSLogs" / "111122223333" / "CloudTrail" / "eu-west-1" / "2025" / "01" / "02"
    old_raw.mkdir(parents=True)
    (old_raw / "x.json.gz").write_bytes(b"old")
    old_lake = out / "lake" / "cloudwatch_log_events" / "year=2025" / "month=1"
    old_lake.mkdir(parents=True)
    (old_lake / "period-2025-01-0.parquet").write_bytes(b"not read: deleted first")
    from auditreport.config import Retention

    config = load_config(SAMPLE_CONFIG)
    config.retention = Retention(raw_days=30, lake_months=3)
    result = extract(config, Period(2026, 10), out)
    assert [(d["what"], d["path"], d["files"]) for d in result.retention] == [
        ("raw", old_raw.relative_to(out).as_posix(), 1), ("lake", old_lake.relative_to(out).as_posix(), 1)]
    assert not old_raw.exists() and not old_lake.exists()
    assert any((out / "lake" / "cloudtrail_events" / "year=2026" / "month=10").iterdir())  # the period's month stays
    manifest = json.loads((out / "extract-manifest.json").read_text())
    assert [d["path"] for d in manifest["retention_deleted"]] == [d["path"] for d in result.retention]
