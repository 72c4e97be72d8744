"""Issue 11, item 4, end to end: a configuration with two trails (the sample's two accounts, one per trail folder)
loads both into one lake, every record, object and quarantined input keeps its trail, the coverage is measured per
trail, account and region, and the report shows each trail's coverage. A run that fetches nothing reads each trail
from OUT/raw/cloudtrail/<trail>/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.period import Period
from auditreport.report import write_reports
from auditreport.runner import Run

SAMPLE = Path(SAMPLE_CONFIG).parent
TRAILS = {"prod": "111122223333", "dev": "444455556666"}


def _two_trails(tmp_path: Path) -> Path:
    """The sample configuration with its CloudTrail folder split into two trails, one account each."""
    for trail, account in TRAILS.items():
        shutil.copytree(SAMPLE / "cloudtrail" / "AWSLogs" / account, tmp_path / trail / "AWSLogs" / account)
    text = SAMPLE_CONFIG.read_text()
    start = text.index("[sources.cloudtrail]")
    end = text.index("\n[", start + 1)
    trails = "".join(f'\n[[sources.cloudtrail.trails]]\nname = "{t}"\npath = "{tmp_path / t}"\n' for t in TRAILS)
    body = text[:start] + '[sources.cloudtrail]\nkind = "files"\n' + trails + text[end:]
    for rel in ("aws", "mlflow"):  # the other sources' folders, where the copied configuration expects them
        (tmp_path / rel).symlink_to(SAMPLE / rel)
    cfg = tmp_path / "auditreport.toml"
    cfg.write_text(body)
    return cfg


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trails")
    config = load_config(_two_trails(tmp))
    run = Run(config, Period(2026, 10), tmp / "out")
    try:
        run.extract_and_load()
        run.check()
        rows = {q: run.con.execute(q).fetchall() for q in (
            "SELECT source_trail, count(*), count(DISTINCT source_account_id), min(source_account_id) FROM cloudtrail_events GROUP BY ALL ORDER BY 1",
            "SELECT source_trail, count(*) FROM ingest_objects WHERE source = 'cloudtrail' GROUP BY ALL ORDER BY 1",
            "SELECT source, source_trail, object_key FROM quarantine WHERE source LIKE 'cloudtrail%' ORDER BY object_key",
            "SELECT count(*) FROM ingest_objects WHERE source NOT LIKE 'cloudtrail%' AND source_trail IS NOT NULL",
        )}  # fmt: skip
    finally:
        run.close()
    return run, rows, tmp


def test_both_trails_load_into_one_lake_with_their_trail_kept(loaded):
    run, rows, _ = loaded
    events, objects, quarantine, others = rows.values()
    assert [(t, accounts, acct) for t, _, accounts, acct in events] == [
        ("dev", 1, TRAILS["dev"]), ("prod", 1, TRAILS["prod"])]
    assert all(n > 0 for _, n, _, _ in events) and [t for t, _ in objects] == ["dev", "prod"]
    assert quarantine and all(trail == key.split("/", 1)[0] for _, trail, key in quarantine)
    assert others == [(0,)]  # a snapshot source's inputs have no trail
    ct = run.result.sources[0]
    assert ct.name == "cloudtrail" and ct.status == "ok", ct.detail
    assert ct.location == f"prod: {loaded[2] / 'prod'}, dev: {loaded[2] / 'dev'}"


def test_coverage_is_measured_per_trail_account_and_region(loaded):
    run, _, _ = loaded
    scopes = run.result.sources[0].scopes
    assert {s["trail"] for s in scopes} == {"prod", "dev"}
    assert {(s["trail"], s["account"]) for s in scopes} == {(t, a) for t, a in TRAILS.items()}
    assert all(s["days_present"] <= 31 and s["records"] > 0 for s in scopes)
    # the whole source's days are those of any trail
    assert run.result.sources[0].days.present == 31


def test_the_report_and_findings_show_each_trails_coverage(loaded, tmp_path):
    run, _, _ = loaded
    out = write_reports(run.result, tmp_path / "report", pdf=False)
    html = out["report_html"].read_text()
    assert "CloudTrail coverage by trail" in html and "2 trails" in html
    assert "<code>prod</code>" in html and "<code>dev</code>" in html
    doc = json.loads(out["findings_json"].read_text())
    scopes = next(s for s in doc["sources"] if s["name"] == "cloudtrail")["scopes"]
    assert {s["trail"] for s in scopes} == {"prod", "dev"}
    from format_schemas import findings_errors

    assert findings_errors(doc) == []


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    run = Run(load_config(SAMPLE_CONFIG), Period(2026, 10), tmp_path_factory.mktemp("single") / "out")
    try:
        run.extract_and_load()
        run.check()
        with_trail = run.con.execute("SELECT count(*) FROM cloudtrail_events WHERE source_trail IS NOT NULL").fetchone()
    finally:
        run.close()
    return run, with_trail


def test_the_single_bucket_form_has_no_trail_and_no_trail_table(single):
    """Backward compatible: the sample's one folder loads as before, its records without a trail."""
    run, with_trail = single
    assert with_trail == (0,)
    assert {s["trail"] for s in run.result.sources[0].scopes} == {None}
    from auditreport.report.coverage import trail_coverage

    assert trail_coverage(run.result) is None


@pytest.mark.parametrize("check", ["cloudtrail_log_file_deleted", "cloudtrail_log_file_modified",
                                   "cloudtrail_digest_chain", "cloudtrail_delivery_gaps", "root_account_activity"])
def test_split_into_trails_the_sample_finds_what_it_finds_in_one_bucket(loaded, single, check):
    """The digests' log files are keyed in their trail like the loaded objects: a file present is never reported
    deleted because its trail named it, and every other finding is the same, keys aside."""
    def failing(run):
        cr = next(c for c in run.result.checks if c.check.id == check)
        return cr.status, sorted(str(r["resource"]).split("/", 1)[1] if str(r["resource"]).split("/", 1)[0] in TRAILS
                                 else str(r["resource"]) for r in cr.failing_rows)  # fmt: skip
    assert failing(loaded[0]) == failing(single[0])


def test_a_run_that_fetches_nothing_reads_each_trail_from_its_raw_folder(tmp_path):
    """Trails configured live (S3, at an address where nothing listens): with fetch=False each is read from
    OUT/raw/cloudtrail/<trail>/, where a daily extract mirrored it; nothing is fetched."""
    out = tmp_path / "out"
    for trail, account in TRAILS.items():
        shutil.copytree(SAMPLE / "cloudtrail" / "AWSLogs" / account, out / "raw" / "cloudtrail" / trail / "AWSLogs" / account)
    from auditreport.config import Config

    config = Config.model_validate({"aws": {"endpoint_url": "http://127.0.0.1:9", "max_attempts": 1}, "sources": {
        "cloudtrail": {"kind": "s3", "trails": [{"name": t, "uri": f"s3://{t}-trail", "accounts": [a]}
                                                for t, a in TRAILS.items()]}}})  # fmt: skip
    run = Run(config, Period(2026, 10), out, fetch=False)
    try:
        run.extract_and_load()
        got = run.con.execute("SELECT source_trail, count(*) FROM cloudtrail_events GROUP BY ALL ORDER BY 1").fetchall()
    finally:
        run.close()
    ct = run.result.sources[0]
    assert ct.kind == "s3" and ct.status == "ok", ct.detail
    assert ct.location == f"prod: {out / 'raw' / 'cloudtrail' / 'prod'}, dev: {out / 'raw' / 'cloudtrail' / 'dev'}"
    assert [t for t, _ in got] == ["dev", "prod"] and all(n > 0 for _, n in got)
