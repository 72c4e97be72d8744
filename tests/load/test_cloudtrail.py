"""load/cloudtrail.py: the streaming CloudTrail loader on real events and on the ways real deliveries go wrong."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from auditreport.lake.connection import connect, view_sql
from auditreport.load.cloudtrail import CloudTrailLoader
from auditreport.raw import RawObject

REALTRAIL = Path(__file__).resolve().parents[1] / "data" / "realtrail"
CORPORA = sorted(REALTRAIL.glob("*.jsonl"))


def _write_object(root: Path, account: str, region: str, day: str, name: str, body: bytes) -> Path:
    y, m, d = day.split("-")
    p = root / "AWSLogs" / account / "CloudTrail" / region / y / m / d / f"{account}_CloudTrail_{region}_{y}{m}{d}T0000Z_{name}.json.gz"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(body)
    return p


def _objects(root: Path) -> list[RawObject]:
    return [RawObject(key=str(p.relative_to(root)), path=p, size_bytes=p.stat().st_size) for p in sorted(root.rglob("*.gz"))]


def _events(con, lake_root) -> duckdb.DuckDBPyRelation:
    con.execute(view_sql(lake_root, "cloudtrail_events"))
    con.execute(view_sql(lake_root, "quarantine"))
    con.execute(view_sql(lake_root, "ingest_objects"))


@pytest.fixture
def con(tmp_path):
    c = connect(work_dir=tmp_path)
    yield c
    c.close()


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.stem)
def test_every_real_event_is_loaded_or_quarantined(corpus, tmp_path, con):
    records = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    root = tmp_path / "ct"
    # several objects per corpus, as a trail would deliver them
    for i in range(0, len(records), 250):
        _write_object(root, "111122223333", "us-east-1", "2026-10-01", f"part{i:05d}",
                      gzip.compress(json.dumps({"Records": records[i:i + 250]}).encode()))  # fmt: skip
    stats = CloudTrailLoader(con, tmp_path / "lake", "t").load(_objects(root))
    assert stats.objects_quarantined == 0
    assert stats.records_loaded + stats.records_quarantined == len(records)
    _events(con, tmp_path / "lake")
    assert con.execute("SELECT count(*) FROM cloudtrail_events").fetchone()[0] == stats.records_loaded
    # every record that has an eventTime loads: nothing real is rejected for its shape
    with_time = sum(1 for r in records if r.get("eventTime"))
    assert stats.records_loaded == with_time
    # nested documents are kept whole, as JSON
    expected = sum(1 for r in records if r.get("eventTime") and isinstance(r.get("userIdentity"), dict) and r["userIdentity"].get("type"))
    n = con.execute("SELECT count(*) FROM cloudtrail_events WHERE json_valid(user_identity) AND user_type IS NOT NULL").fetchone()[0]
    assert n == expected


def test_raw_delivery_keeps_key_account_apart_from_recipient(tmp_path, con):
    root = REALTRAIL / "raw_delivery_examples"
    stats = CloudTrailLoader(con, tmp_path / "lake", "t").load(_objects(root))
    assert stats.objects_loaded == 3 and stats.records_loaded == 9
    _events(con, tmp_path / "lake")
    rows = con.execute("SELECT DISTINCT source_account_id, recipient_account_id FROM cloudtrail_events").fetchall()
    assert rows == [("218007301253", "123837392027")]
    keys = con.execute("SELECT count(DISTINCT source_key), min(record_index) FROM cloudtrail_events").fetchone()
    assert keys == (3, 0)


def test_bad_objects_are_quarantined_and_counted(tmp_path, con):
    root = tmp_path / "ct"
    good = [{"eventTime": "2026-10-02T00:00:00Z", "eventID": str(i), "eventName": "GetObject"} for i in range(5)]
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "good", gzip.compress(json.dumps({"Records": good}).encode()))
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "notgzip", b"this is not gzip")
    full = gzip.compress(json.dumps({"Records": good}).encode())
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "cutgzip", full[: len(full) // 2])
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "truncjson", gzip.compress(b'{"Records": [{"eventTime": "2026'))
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "notct", gzip.compress(b'{"Inventory": []}'))
    mixed = {"Records": [good[0], {"eventName": "NoTime"}, None, {"eventTime": "garbage"}]}
    _write_object(root, "111122223333", "eu-west-1", "2026-10-02", "mixed", gzip.compress(json.dumps(mixed).encode()))
    stats = CloudTrailLoader(con, tmp_path / "lake", "t").load(_objects(root))
    assert (stats.objects_read, stats.objects_loaded, stats.objects_quarantined) == (6, 2, 4)
    assert (stats.records_loaded, stats.records_quarantined) == (6, 3)
    _events(con, tmp_path / "lake")
    reasons = {(k.split("_")[-1].removesuffix(".json.gz"), i, r) for k, i, r in
               con.execute("SELECT object_key, record_index, reason FROM quarantine").fetchall()}  # fmt: skip
    assert reasons == {
        ("notgzip", None, "corrupt_gzip"), ("cutgzip", None, "corrupt_gzip"), ("truncjson", None, "malformed_json"),
        ("notct", None, "not_cloudtrail"), ("mixed", 1, "missing_event_time"), ("mixed", 2, "null_record"),
        ("mixed", 3, "unparseable_event_time"),
    }  # fmt: skip
    # loaded + quarantined = read, per object
    per_object = con.execute(
        "SELECT object_key, records_read, records_loaded, records_quarantined FROM ingest_objects WHERE status = 'loaded'"
    ).fetchall()
    assert all(read == loaded + q for _, read, loaded, q in per_object)


def test_rerun_loads_nothing_twice_and_recovers_a_killed_batch(tmp_path, con):
    root = tmp_path / "ct"
    for day in ("2026-10-01", "2026-10-02"):
        recs = [{"eventTime": f"{day}T01:00:00Z", "eventID": f"{day}-{i}"} for i in range(10)]
        _write_object(root, "111122223333", "eu-west-1", day, "x", gzip.compress(json.dumps({"Records": recs}).encode()))
    lake_root = tmp_path / "lake"
    first = CloudTrailLoader(con, lake_root, "r1").load(_objects(root)[:1])
    assert first.records_loaded == 10
    # a run killed after writing events but before its commit marker leaves an orphan file behind
    orphan = lake_root / "cloudtrail_events" / "year=2026" / "month=10" / "b-20990101T000000-dead_g0_0.parquet"
    shutil.copy(next((lake_root / "cloudtrail_events").rglob("*.parquet")), orphan)
    second = CloudTrailLoader(con, lake_root, "r2").load(_objects(root))
    assert not orphan.exists()
    assert (second.objects_skipped, second.objects_loaded, second.records_loaded) == (1, 1, 10)
    third = CloudTrailLoader(con, lake_root, "r3").load(_objects(root))
    assert (third.objects_skipped, third.objects_loaded) == (2, 0)
    _events(con, lake_root)
    assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM cloudtrail_events").fetchone() == (20, 20)


def test_changed_object_is_flagged_not_reloaded(tmp_path, con):
    root = tmp_path / "ct"
    recs = [{"eventTime": "2026-10-01T01:00:00Z", "eventID": "1", "eventName": "StopLogging"}]
    p = _write_object(root, "111122223333", "eu-west-1", "2026-10-01", "x", gzip.compress(json.dumps({"Records": recs}).encode()))
    CloudTrailLoader(con, tmp_path / "lake", "r1").load(_objects(root))
    recs[0]["eventName"] = "DescribeTrails"  # someone rewrote the log object after delivery
    p.write_bytes(gzip.compress(json.dumps({"Records": recs}).encode()))
    stats = CloudTrailLoader(con, tmp_path / "lake", "r2").load(_objects(root))
    assert (stats.objects_changed, stats.objects_loaded) == (1, 0)
    _events(con, tmp_path / "lake")
    assert con.execute("SELECT event_name FROM cloudtrail_events").fetchall() == [("StopLogging",)]
    assert con.execute("SELECT reason FROM quarantine").fetchall() == [("object_changed",)]
