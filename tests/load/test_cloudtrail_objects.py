"""load/cloudtrail_objects.py: one CloudTrail object on its own: its stored and content SHA-256, an excerpt for the
quarantine, the name of what is wrong when DuckDB cannot read it, and the salvage of records that are not UTF-8."""

from __future__ import annotations

import gzip
import hashlib
import json
import random

import duckdb
import pytest

from auditreport.load.cloudtrail_objects import (classify_read_error, excerpt, hashes_or_error, object_hashes,
                                                 salvage_invalid_utf8)

CONTENT = json.dumps({"Records": [{"eventTime": "2026-10-01T00:00:00Z", "eventID": str(i)} for i in range(50)]}).encode()


def test_stored_hash_is_of_the_gzip_bytes_and_content_hash_of_the_uncompressed_bytes(tmp_path):
    p = tmp_path / "a.json.gz"
    p.write_bytes(gzip.compress(CONTENT))
    stored, content = object_hashes(p)
    assert stored == hashlib.sha256(p.read_bytes()).hexdigest()
    assert content == hashlib.sha256(CONTENT).hexdigest()  # what a digest's hashValue records


def test_a_large_object_is_hashed_across_read_chunks(tmp_path):
    rnd = random.Random(7)
    big = bytes(rnd.getrandbits(8) for _ in range(3 << 20))  # incompressible: > 1 MiB read chunks
    p = tmp_path / "big.json.gz"
    p.write_bytes(gzip.compress(big, compresslevel=1))
    assert object_hashes(p) == (hashlib.sha256(p.read_bytes()).hexdigest(), hashlib.sha256(big).hexdigest())


@pytest.mark.parametrize("body", [
    pytest.param(lambda: gzip.compress(CONTENT)[:-20], id="truncated gzip"),
    pytest.param(lambda: b"\x1f\x8b\x08\x00garbage", id="corrupt gzip"),
    pytest.param(lambda: CONTENT, id="plain json, not gzip"),
])
def test_an_object_that_is_not_a_complete_gzip_stream_has_no_content_hash(tmp_path, body):
    p = tmp_path / "x.json.gz"
    p.write_bytes(body())
    stored, content = object_hashes(p)
    assert stored == hashlib.sha256(p.read_bytes()).hexdigest() and content is None


def test_hashes_or_error_returns_an_os_error_instead_of_raising(tmp_path):
    assert hashes_or_error(None) is None
    err = hashes_or_error(tmp_path / "listed-then-gone.json.gz")
    assert isinstance(err, FileNotFoundError)


def _duckdb_error(path) -> duckdb.Error:
    with pytest.raises(duckdb.Error) as e:
        duckdb.connect().execute(f"SELECT * FROM read_json_objects('{path}', format = 'auto')").fetchall()
    return e.value


def test_classify_read_error_names_malformed_json_in_one_line_without_the_local_path(tmp_path):
    p = tmp_path / "trunc.json.gz"
    p.write_bytes(gzip.compress(b'{"Records": [{"eventTime": "2026'))
    reason, detail = classify_read_error(p, _duckdb_error(p), 16 << 20)
    assert reason == "malformed_json" and detail.startswith("not valid JSON: ")
    assert str(tmp_path) not in detail and "\n" not in detail and "Invalid Input Error" not in detail


def test_classify_read_error_names_an_object_too_large_to_read_at_once(tmp_path):
    p = tmp_path / "huge.json.gz"
    p.write_bytes(gzip.compress(b'{"Records": []}'))
    err = duckdb.InvalidInputException(  # DuckDB's words when one JSON document exceeds maximum_object_size
        f'Invalid Input Error: "maximum_object_size" of 16777216 bytes exceeded while reading file "{p}" '
        '(>16777216 bytes).\n Try increasing "maximum_object_size".')
    reason, detail = classify_read_error(p, err, 16 << 20)
    assert reason == "object_too_large" and "16 MiB" in detail and "\n" not in detail
    reason, detail = classify_read_error(p, MemoryError(), 128 << 20)
    assert reason == "object_too_large" and "128 MiB" in detail


def test_a_gzip_of_several_members_is_hashed_whole(tmp_path):
    """gzip allows several members one after the other; the content hash covers all of them, as gunzip does."""
    p = tmp_path / "multi.json.gz"
    p.write_bytes(gzip.compress(CONTENT[:100]) + gzip.compress(CONTENT[100:]))
    assert object_hashes(p)[1] == hashlib.sha256(CONTENT).hexdigest()


def test_salvage_replaces_only_the_records_holding_bytes_that_are_not_utf8(tmp_path):
    p, dest = tmp_path / "bad-utf8.json.gz", tmp_path / "salvaged.json.gz"
    p.write_bytes(gzip.compress(b'{"Records": [{"eventID": "a"}, {"eventID": "b\xff"}, {"eventID": "c"}]}'))
    replaced = salvage_invalid_utf8(p, dest, 1 << 20)
    assert list(replaced) == [1] and "0xff" in replaced[1]
    assert json.loads(gzip.decompress(dest.read_bytes())) == {"Records": [{"eventID": "a"}, None, {"eventID": "c"}]}


def test_salvage_declines_what_it_cannot_fix(tmp_path):
    dest = tmp_path / "out.json.gz"
    clean, plain, notct, big = (tmp_path / n for n in ("clean.gz", "plain.json", "notct.gz", "big.gz"))
    clean.write_bytes(gzip.compress(b'{"Records": [{"eventID": "a"}]}'))
    plain.write_bytes(b'{"Records": [{"eventID": "\xff"}]}')
    notct.write_bytes(gzip.compress(b'{"Inventory": ["\xff"]}'))
    big.write_bytes(gzip.compress(b'{"Records": [{"eventID": "\xff"}]}' + b" " * 100))
    assert salvage_invalid_utf8(clean, dest, 1 << 20) is None  # nothing to replace
    assert salvage_invalid_utf8(plain, dest, 1 << 20) is None  # not gzip
    assert salvage_invalid_utf8(notct, dest, 1 << 20) is None  # not a log file
    assert salvage_invalid_utf8(big, dest, 50) is None  # larger than it may read
    assert not dest.exists()


def test_excerpt_is_the_start_of_the_content_for_gzip_and_plain_objects(tmp_path):
    gz = tmp_path / "a.json.gz"
    gz.write_bytes(gzip.compress(CONTENT * 20))  # 300 compressed bytes are not a whole stream
    assert excerpt(gz) == CONTENT[:300].decode()
    plain = tmp_path / "b.json"
    plain.write_bytes(b'{"Inventory": []}')
    assert excerpt(plain) == '{"Inventory": []}'
    assert excerpt(gz, n=10) == CONTENT[:10].decode()


def test_excerpt_never_raises(tmp_path):
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"\x1f\x8bnot really gzip")
    assert isinstance(excerpt(bad), str)
    assert excerpt(tmp_path / "missing") == ""
