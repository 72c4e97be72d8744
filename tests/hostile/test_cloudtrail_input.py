"""Hostile CloudTrail input, through a whole run as a scheduler starts it: every object in the period's day folders is
loaded, or quarantined under a reason that names what is wrong with it; no object is read twice; nothing crashes.

Each object below is one class of attack or fault from issue 8. The output folder's name holds brackets, a space and
an apostrophe (DuckDB globs paths and SQL quotes strings: neither may bite).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from auditreport.config import load_config
from auditreport.period import Period
from auditreport.runner import run

REPO = Path(__file__).resolve().parents[2]
ACCOUNT, REGION, DAY = "111122223333", "eu-west-1", "2026/10/05"
PREFIX = f"{ACCOUNT}_CloudTrail_{REGION}_20261005T0100Z_"


def record(i: int) -> dict:
    return {"eventVersion": "1.08", "eventTime": "2026-10-05T01:00:00Z", "eventID": f"e{i}", "eventName": "GetObject",
            "eventSource": "s3.amazonaws.com", "recipientAccountId": ACCOUNT, "awsRegion": REGION,
            "userIdentity": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}}


def log_file(*records) -> bytes:
    return gzip.compress(json.dumps({"Records": list(records)}).encode())


def build(root: Path) -> dict[str, str | None]:
    """The tree; returns object name -> the reason it must be quarantined under (None: it must load)."""
    logs = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / DAY
    digests = root / "AWSLogs" / ACCOUNT / "CloudTrail-Digest" / REGION / DAY
    logs.mkdir(parents=True)
    digests.mkdir(parents=True)
    good = log_file(record(1), record(2))
    damaged = bytearray(good)
    damaged[20:30] = b"\xff" * 10  # valid gzip header, corrupt deflate data
    bad_byte = (b'{"Records":[' + json.dumps(record(10)).encode() + b"," + json.dumps(record(11)).encode()[:-1]
                + b', "note": "\xff"}]}')  # fmt: skip
    objects = {
        "good.json.gz": (good, None),
        "glob*.json.gz": (log_file(record(3)), None),  # a pattern character: must not pull in its siblings
        "br[1].json.gz": (log_file(record(4)), None),
        "q?.json.gz": (log_file(record(5)), None),
        "deflate.json.gz": (bytes(damaged), "corrupt_gzip"),
        "multi.json.gz": (gzip.compress((json.dumps({"Records": [record(6)]}) * 2).encode()), "multiple_json_documents"),
        "array.json.gz": (gzip.compress(json.dumps([{"Records": [record(7)]}]).encode()), "not_cloudtrail"),
        "dup.json.gz": (gzip.compress(b'{"Records":[' + json.dumps(record(8)).encode() + b'],"Records":['
                                      + json.dumps(record(9)).encode() + b"]}"), "duplicate_records_key"),
        "badbyte.json.gz": (gzip.compress(bad_byte), None),  # record 0 loads, record 1 alone is quarantined
        "partial.json.gz.tmp": (good, "temporary_file"),
    }
    for name, (body, _) in objects.items():
        (logs / (PREFIX + name)).write_bytes(body)
    os.symlink("/nonexistent/file", logs / (PREFIX + "dangling.json.gz"))
    os.symlink(logs / (PREFIX + "loop.json.gz"), logs / (PREFIX + "loop.json.gz"))
    os.mkfifo(logs / (PREFIX + "fifo.json.gz"))  # opening it would block the run forever
    (logs / (PREFIX + "folder.json.gz")).mkdir()
    (digests / f"{ACCOUNT}_CloudTrail-Digest_{REGION}_trail_{REGION}_20261005T020000Z.json.gz").write_bytes(bytes(damaged))
    reasons = {PREFIX + n: r for n, (_, r) in objects.items()}
    reasons.update({PREFIX + n: "not_a_file" for n in ("dangling.json.gz", "loop.json.gz", "fifo.json.gz",
                                                       "folder.json.gz")})
    return reasons


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    reasons = build(base / "ct")
    shutil.copytree(REPO / "sample_data" / "aws", base / "aws")
    (base / "auditreport.toml").write_text('[sources.cloudtrail]\nkind = "files"\npath = "ct"\n'
                                           '[sources.trails]\nkind = "files"\npath = "aws"\n')
    out = base / "out [1] it's"
    result = run(load_config(base / "auditreport.toml"), Period(2026, 10), out)
    con = duckdb.connect(str(out / "audit.duckdb"), read_only=True)
    yield result, reasons, con
    con.close()


def _name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def test_every_entry_is_loaded_or_quarantined_under_its_reason(hostile_run):
    result, reasons, con = hostile_run
    whole = {_name(k): r for k, r in con.execute(
        "SELECT object_key, reason FROM quarantine WHERE source = 'cloudtrail' AND record_index IS NULL").fetchall()}
    assert whole == {n: r for n, r in reasons.items() if r}
    ct = next(s for s in result.sources if s.name == "cloudtrail")
    assert ct.objects_read == len(reasons) == ct.objects_loaded + ct.objects_quarantined + ct.objects_skipped
    assert {_name(i.key) for i in result.inputs if i.source == "cloudtrail"} == set(reasons)


def test_objects_load_exactly_once_whatever_their_names_hold(hostile_run):
    _, _, con = hostile_run
    events = con.execute("SELECT event_id FROM cloudtrail_events ORDER BY event_id").fetchall()
    assert [e for (e,) in events] == ["e1", "e10", "e2", "e3", "e4", "e5"]
    dupes = con.execute("SELECT count(*) FROM (SELECT source_key, record_index FROM cloudtrail_events "
                        "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    assert dupes == 0


def test_one_bad_byte_costs_one_record_not_the_object(hostile_run):
    _, _, con = hostile_run
    rows = con.execute("SELECT record_index, reason FROM quarantine WHERE object_key LIKE '%badbyte.json.gz'").fetchall()
    assert rows == [(1, "invalid_utf8")]


def test_a_damaged_digest_is_quarantined_and_the_run_ends_with_a_report(hostile_run):
    result, _, con = hostile_run
    assert con.execute("SELECT reason FROM quarantine WHERE source = 'cloudtrail_digest'").fetchall() == [("corrupt_gzip",)]
    assert result.outputs["report_pdf"].stat().st_size > 0
    assert result.exit_code() == 2  # checks whose sources are not configured are no_data: incomplete, not crashed


def test_a_rerun_loads_nothing_twice_and_quarantines_the_same_entries_again(hostile_run, tmp_path):
    result, reasons, con = hostile_run
    config = load_config(Path(result.config_path))
    again = run(config, Period(2026, 10), result.out_dir)
    ct = next(s for s in again.sources if s.name == "cloudtrail")
    never_opened = [n for n, r in reasons.items() if r in ("not_a_file", "temporary_file")]
    assert ct.objects_skipped == len(reasons) - len(never_opened)  # committed before, loaded or quarantined
    assert ct.objects_quarantined == len(never_opened)  # listed again, so never invisible
    assert ct.objects_read == len(reasons)
    fresh = duckdb.connect(str(result.out_dir / "audit.duckdb"), read_only=True)
    try:
        assert fresh.execute("SELECT count(*) FROM cloudtrail_events").fetchone()[0] == 6
    finally:
        fresh.close()


def test_the_lake_invariants_hold_on_the_hostile_tree(hostile_run):
    from lake_invariants import assert_lake_invariants

    result, _, _ = hostile_run
    assert_lake_invariants(result, result.out_dir)
