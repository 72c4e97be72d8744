"""load/cloudtrail_fast.py and load/cloudtrail_chunk.py: the fast reader gives exactly the rows the careful (DuckDB)
reader gives, on every real record we hold, and refuses, never misreads, what it does not take."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from auditreport import lake
from auditreport.lake.connection import connect
from auditreport.load.cloudtrail_careful import read_batch_sql
from auditreport.load.cloudtrail_chunk import ChunkTask, load_chunk
from auditreport.load.cloudtrail_sql import projection_sql

REALTRAIL = Path(__file__).resolve().parents[1] / "data" / "realtrail"
CORPORA = sorted(REALTRAIL.glob("*.jsonl"))
KEY = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/111122223333_CloudTrail_eu-west-1_20261001T0000Z_{}.json.gz"
COLUMNS = [c for c, _ in lake.TABLES["cloudtrail_events"].all_columns]
JSON_COLUMNS = {c for c, t in lake.TABLES["cloudtrail_events"].all_columns if t == "JSON"}


def _chunk(tmp_path: Path, bodies: list[bytes]) -> tuple[ChunkTask, list[Path]]:
    paths = []
    for i, body in enumerate(bodies):
        p = tmp_path / "objects" / f"o{i:04d}.json.gz"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body)
        paths.append(p)
    n = len(bodies)
    (tmp_path / "staging").mkdir()  # the parent makes the load's staging folder
    task = ChunkTask("c1", "run-1", str(tmp_path / "staging"), [KEY.format(i) for i in range(n)],
                     [str(p) for p in paths], [None] * n, [None] * n, [p.stat().st_size for p in paths], "cloudtrail",
                     lake.TABLES["cloudtrail_events"].arrow_schema(), lake.TABLES["ingest_objects"].arrow_schema())  # fmt: skip
    return task, paths


def _fast_rows(task: ChunkTask, result) -> list[dict]:
    rows = []
    for name, rel in result.files:
        year, month = (int(part.split("=")[1]) for part in Path(rel).parent.parts)
        rows += [{**r, "year": year, "month": month} for r in pq.read_table(Path(task.staging) / name).to_pylist()]
    return rows


def _careful_rows(paths: list[Path], keys: list[str], tmp_path: Path) -> list[dict]:
    con = connect(work_dir=tmp_path)
    keys = ", ".join(f"('{p}', '{k}')" for p, k in zip(paths, keys))
    source = (f"(SELECT x.*, k.key, '111122223333' AS source_account_id, 'eu-west-1' AS source_region "
              f"FROM ({read_batch_sql([str(p) for p in paths])}) x JOIN (VALUES {keys}) k(filename, key) USING (filename))")  # fmt: skip
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    cur = con.execute(f"SELECT {cols} FROM ({projection_sql(source)}) WHERE event_time IS NOT NULL", {"run_id": "run-1"})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _normal(rows: list[dict]) -> list[dict]:
    """Rows keyed by provenance, JSON columns parsed: the fast reader keeps a nested document's text as written,
    DuckDB writes it again (same document, other spacing and escapes)."""
    out = []
    for r in rows:
        out.append({c: (json.loads(r[c]) if c in JSON_COLUMNS and r[c] is not None else r[c]) for c in COLUMNS})
    return sorted(out, key=lambda r: (r["source_key"], r["record_index"]))


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.stem)
def test_fast_reader_gives_the_careful_readers_rows_on_real_records(corpus, tmp_path):
    records = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    bodies = [gzip.compress(json.dumps({"Records": records[i:i + 2]}).encode()) for i in range(0, len(records), 2)]
    task, paths = _chunk(tmp_path, bodies)
    result = load_chunk(task)
    taken = [i for i, s in enumerate(result.status) if s == "loaded"]
    # the corpus is real CloudTrail: the fast reader takes almost all of it (a record without eventTime is refused)
    assert len(taken) >= 0.9 * len(bodies), {s: result.status.count(s) for s in set(result.status)}
    fast = _normal(_fast_rows(task, result))
    careful = _normal(_careful_rows([paths[i] for i in taken], [task.keys[i] for i in taken], tmp_path))
    assert len(fast) == sum(result.records) > 0
    assert fast == careful, _diff(fast, careful)


def test_rows_are_clustered_by_month_source_name_and_time(tmp_path):
    records = [json.loads(line) for line in (REALTRAIL / "stratus-red-team.jsonl").read_text().splitlines()]
    task, _ = _chunk(tmp_path, [gzip.compress(json.dumps({"Records": records}).encode())])
    result = load_chunk(task)
    for name, _ in result.files:
        t = pq.read_table(Path(task.staging) / name, columns=["event_source", "event_name", "event_time"]).to_pylist()
        keys = [(r["event_source"] or "", r["event_name"] or "", r["event_time"]) for r in t]
        assert keys == sorted(keys)
        assert len({(r["event_time"].year, r["event_time"].month) for r in t}) == 1  # one partition per file


def _record(**over) -> dict:
    r = {"eventVersion": "1.08", "eventTime": "2026-10-01T10:00:00Z", "eventSource": "s3.amazonaws.com",
         "eventName": "GetObject", "eventID": "e1", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/a"},
         "readOnly": True}  # fmt: skip
    r.update(over)
    return r


def _gz(doc) -> bytes:
    return gzip.compress(json.dumps(doc).encode())


def _twice(template: str) -> bytes:
    """A log file written from ``template``, each @ a record (JSON cannot say "a key twice" from a dict)."""
    return gzip.compress(template.replace("@", json.dumps(_record())).encode())


@pytest.mark.parametrize(
    "body, why",
    [
        (_gz({"Records": [_record(eventTime="2026-10-01 10:00:00")]}), "a time in another form"),
        (_gz({"Records": [_record(eventTime=1790000000)]}), "an epoch time"),
        (_gz({"Records": [_record(eventTime="2026-02-30T10:00:00Z")]}), "a date that does not exist"),
        (_gz({"Records": [_record(readOnly="yes")]}), "a boolean as other text"),
        (_gz({"Records": [_record(eventName=7)]}), "a number where text belongs"),
        (_gz({"Records": [_record(userIdentity="root")]}), "an identity that is not an object"),
        (_gz({"Records": [None]}), "a record that is not an object"),
        (_gz({"Records": [_record()]}) + _gz({"Records": [_record()]}), "two gzip members"),
        (gzip.compress(b'{"Records": [], "Records": []}'), "the Records key twice"),
        (_twice('{"Records": [@], "Records": [@, @]}'), "the Records key twice, the first array not empty"),
        (_twice('{"Records": [@, @], "Records": []}'), "the Records key twice, the last array empty"),
        (_twice('{"Records": [], "Records": [@]}'), "the Records key twice, the first array empty"),
        (_twice('{"Records": [@], "x": 1, "Records": [@]}'), "the Records key twice, another key between"),
        (_twice('{"Records": [@], "Recor\\u0064s": [@]}'), "the Records key twice, once with an escape"),
        (gzip.compress(b'{"Records": []} {"Records": []}'), "two JSON documents"),
        (gzip.compress(json.dumps({"Records": [_record(eventName="x")]}).encode().replace(b'"x"', b'"\xff"')),
         "bytes that are not UTF-8"),
        (gzip.compress(b'{"Records": [{"eventTime": "2026-10-01T10:00:00Z", "x": {"a": "\xff"}}]}'),
         "bytes that are not UTF-8 inside a document kept as text"),
        (json.dumps({"Records": [_record()]}).encode(), "named .gz, not gzip"),
        (_gz([_record()]), "a top-level array"),
    ],
)
def test_what_the_fast_reader_does_not_take_it_refuses(body, why, tmp_path):
    task, _ = _chunk(tmp_path, [body])
    result = load_chunk(task)
    assert result.status == ["refused"], why
    assert result.files == [] and result.rows == 0


def test_a_records_key_inside_a_record_is_read_by_the_fast_reader(tmp_path):
    """Only the top-level Records key counts: a request that names "Records" is an ordinary record."""
    body = _gz({"Records": [_record(requestParameters={"Records": [{"a": 1}]}), _record()]})
    task, _ = _chunk(tmp_path, [body])
    result = load_chunk(task)
    assert result.status == ["loaded"] and result.records == [2]
    documents = [json.loads(r["request_parameters"] or "null") for r in _fast_rows(task, result)]
    assert sorted(documents, key=str) == [None, {"Records": [{"a": 1}]}]


def test_string_booleans_true_and_false_are_read_as_booleans(tmp_path):
    task, _ = _chunk(tmp_path, [_gz({"Records": [_record(readOnly="true", managementEvent="false")]})])
    result = load_chunk(task)
    assert result.status == ["loaded"]
    (row,) = _fast_rows(task, result)
    assert (row["read_only"], row["management_event"]) == (True, False)


def test_hashes_and_skips(tmp_path):
    body = _gz({"Records": [_record()]})
    task, paths = _chunk(tmp_path, [body, body])
    import hashlib

    first = load_chunk(task)
    assert first.sha256 == [hashlib.sha256(body).hexdigest()] * 2
    assert first.content_sha256 == [hashlib.sha256(gzip.decompress(body)).hexdigest()] * 2
    again = dataclasses.replace(task, previous=[first.sha256[0], "another-etag"])
    assert load_chunk(again).status == ["skipped", "changed"]
    paths[0].unlink()
    gone = load_chunk(task)
    assert gone.status[0] == "unreadable" and "No such file" in gone.detail[0]


def _diff(a, b):  # the first differences, for the failure message
    return [(i, c, x[c], y[c]) for i, (x, y) in enumerate(zip(a, b)) for c in COLUMNS if x[c] != y[c]][:5]
