"""auditreport.raw: the raw-evidence contract (CloudTrail key layout, snapshot layout, capture files, hashing, the
JSON writer) and staged(), the one build-beside-then-rename helper."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditreport.raw import (CAPTURE_FILE, CLOUDTRAIL_KEY, SNAPSHOT_FORMAT_VERSION, capture_body,
                             cloudtrail_object_kind, operation_files, remove_leftovers, resource_path, sha256_file,
                             staged, write_json)  # fmt: skip

LOG = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/111122223333_CloudTrail_eu-west-1_20261001T0000Z_ab.json.gz"
DIGEST = ("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/10/31/"
          "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261031T230000Z.json.gz")
ORG = "o-abcd1234ef"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".staging", ".old")))


# -- CloudTrail keys -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "trail-prefix/", "a/b/c/"], ids=["no-prefix", "prefix", "nested-prefix"])
@pytest.mark.parametrize("org", [None, ORG], ids=["account-trail", "organisation-trail"])
@pytest.mark.parametrize("key,kind", [(LOG, "log"), (DIGEST, "digest")], ids=["log", "digest"])
def test_cloudtrail_key_matches_logs_and_digests_with_and_without_org_and_prefix(prefix, org, key, kind):
    full = prefix + (key.replace("AWSLogs/", f"AWSLogs/{org}/", 1) if org else key)
    m = CLOUDTRAIL_KEY.search(full)
    assert m is not None, full
    assert m["org"] == org
    assert m["account"] == "111122223333"
    assert m["kind"] == ("CloudTrail" if kind == "log" else "CloudTrail-Digest")
    assert m["region"] == ("eu-west-1" if kind == "log" else "us-east-1")
    assert (m["y"], m["m"], m["d"]) == (("2026", "10", "01") if kind == "log" else ("2026", "10", "31"))
    assert m["file"] == key.rsplit("/", 1)[1]
    assert cloudtrail_object_kind(full) == kind


@pytest.mark.parametrize("key", [
    "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/",  # a folder, no file
    "AWSLogs/11112222333/CloudTrail/eu-west-1/2026/10/01/x.json.gz",  # 11-digit account
    "AWSLogs/111122223333/Config/eu-west-1/2026/10/01/x.json.gz",  # another service
    "AWSLogs/111122223333/CloudTrail-Insight/eu-west-1/2026/10/01/x.json.gz",
    "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/x.json.gz",  # no day folder
    "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/sub/x.json.gz",  # below the day folder
    "notAWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz",  # AWSLogs must be a whole folder name
    "AWSLogs/o-short/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz",  # not an organisation id
    "sample_data/README.md",
])  # fmt: skip
def test_cloudtrail_key_rejects_keys_outside_the_layout(key):
    assert CLOUDTRAIL_KEY.search(key) is None
    assert cloudtrail_object_kind(key) is None


# -- AWS API snapshot layout -----------------------------------------------------------------------------------------


def test_resource_path_is_the_operation_file_or_a_quoted_id_below_it(tmp_path):
    assert resource_path(tmp_path, "111122223333", "eu-west-1", "sagemaker", "ListEndpoints") == (
        tmp_path / "111122223333" / "eu-west-1" / "sagemaker" / "ListEndpoints.json")
    p = resource_path(tmp_path, "111122223333", "eu-west-1", "sagemaker", "DescribeModelPackage", "a/b")
    assert p == tmp_path / "111122223333" / "eu-west-1" / "sagemaker" / "DescribeModelPackage" / "a%2Fb.json"
    arn = resource_path(tmp_path, "1", "r", "s", "Op", "arn:aws:sagemaker:eu-west-1:1:model-package/g/1")
    assert arn.parent == tmp_path / "1" / "r" / "s" / "Op" and "/" not in arn.name


def test_operation_files_yields_ids_back_unquoted_in_a_stable_order(tmp_path):
    ids = ["b/2", "a/b", "50% off", "plain", "arn:aws:iam::1:role/x y"]
    for acct, region in [("444455556666", "us-east-1"), ("111122223333", "eu-west-1"), ("111122223333", "global")]:
        for ident in ids:
            write_json(resource_path(tmp_path, acct, region, "svc", "Describe", ident), {"id": ident})
        write_json(resource_path(tmp_path, acct, region, "svc", "Describe"), {"all": True})
    write_json(resource_path(tmp_path, "111122223333", "eu-west-1", "other", "Describe", "x"), {})
    (tmp_path / "_capture.json").write_text("{}")  # not an account folder
    (tmp_path / "notes").mkdir()

    got = list(operation_files(tmp_path, "svc", "Describe"))
    assert got == list(operation_files(tmp_path, "svc", "Describe"))  # the same order every time
    assert [(a, r) for a, r, _, _ in got] == sorted((a, r) for a, r, _, _ in got)  # accounts, then regions, sorted
    per_scope = [(i, p) for a, r, i, p in got if (a, r) == ("111122223333", "eu-west-1")]
    assert per_scope[0] == (None, tmp_path / "111122223333" / "eu-west-1" / "svc" / "Describe.json")
    assert sorted(i for i, _ in per_scope[1:]) == sorted(ids)
    for ident, path in per_scope[1:]:
        assert json.loads(path.read_text()) == {"id": ident}
        assert path == resource_path(tmp_path, "111122223333", "eu-west-1", "svc", "Describe", ident)
    assert len(got) == 3 * (len(ids) + 1)


def test_operation_files_of_an_operation_nobody_wrote_is_empty(tmp_path):
    write_json(resource_path(tmp_path, "111122223333", "eu-west-1", "svc", "Describe"), {})
    assert list(operation_files(tmp_path, "svc", "Missing")) == []


def test_capture_body_carries_the_format_version_and_the_capture_time():
    at = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
    body = capture_body(at, accounts=["111122223333"])
    assert body == {"captured_at": "2026-11-01T02:00:00+00:00", "format_version": SNAPSHOT_FORMAT_VERSION,
                    "accounts": ["111122223333"]}  # fmt: skip
    assert SNAPSHOT_FORMAT_VERSION == 1 and CAPTURE_FILE == "_capture.json"
    assert datetime.fromisoformat(body["captured_at"]) == at


def test_the_sample_snapshot_capture_file_parses():
    from auditreport.config import SAMPLE_CONFIG

    body = json.loads((SAMPLE_CONFIG.parent / "aws" / CAPTURE_FILE).read_text())
    assert datetime.fromisoformat(body["captured_at"].replace("Z", "+00:00"))
    assert body.get("format_version", 1) == SNAPSHOT_FORMAT_VERSION


# -- write_json ------------------------------------------------------------------------------------------------------


def test_write_json_drops_response_metadata_and_writes_datetimes_as_utc_iso8601(tmp_path):
    path = tmp_path / "it's" / "Op.json"
    write_json(path, {
        "ResponseMetadata": {"RequestId": "x", "HTTPStatusCode": 200},
        "utc": datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc),
        "paris": datetime(2026, 10, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
        "naive": datetime(2026, 10, 1, 12, 0),
        "nested": [{"When": datetime(2026, 10, 1, 7, 0, tzinfo=timezone(timedelta(hours=-5)))}],
        "blob": b"bytes",
    })  # fmt: skip
    body = json.loads(path.read_text())
    assert "ResponseMetadata" not in body
    assert body["utc"] == body["paris"] == body["naive"] == body["nested"][0]["When"] == "2026-10-01T12:00:00+00:00"
    assert body["blob"] == "bytes"
    assert _leftovers(path.parent) == []


def test_write_json_writes_lists_and_refuses_what_it_cannot_serialise_leaving_the_old_file(tmp_path):
    path = tmp_path / "Op.json"
    write_json(path, [{"ResponseMetadata": 1}])
    assert json.loads(path.read_text()) == [{"ResponseMetadata": 1}]  # only a top-level dict's metadata is dropped
    with pytest.raises(TypeError):
        write_json(path, {"x": object()})
    assert json.loads(path.read_text()) == [{"ResponseMetadata": 1}]
    assert _leftovers(tmp_path) == []


# -- staged ----------------------------------------------------------------------------------------------------------


def test_staged_file_success_swaps_in_the_new_content(tmp_path):
    final = tmp_path / "sub" / "f.txt"
    with staged(final) as tmp:
        assert tmp.parent == final.parent and tmp != final and not tmp.exists()
        tmp.write_text("new")
        assert not final.exists()  # nothing visible until the block ends
    assert final.read_text() == "new"
    with staged(final) as tmp:
        tmp.write_text("newer")
        assert final.read_text() == "new"
    assert final.read_text() == "newer"
    assert _leftovers(final.parent) == []


def test_staged_file_exception_leaves_the_old_content_and_no_leftovers(tmp_path):
    final = tmp_path / "f.txt"
    final.write_text("old")
    with pytest.raises(RuntimeError, match="boom"):
        with staged(final) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert final.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def test_staged_file_keyboard_interrupt_also_leaves_no_leftovers(tmp_path):
    final = tmp_path / "f.txt"
    with pytest.raises(KeyboardInterrupt):
        with staged(final) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_staged_directory_success_replaces_the_old_directory_whole(tmp_path):
    final = tmp_path / "table"
    final.mkdir()
    (final / "old.parquet").write_text("old")
    (final / "year=2026").mkdir()
    (final / "year=2026" / "deep.parquet").write_text("old")
    with staged(final, directory=True) as stage:
        assert stage.is_dir() and stage.parent == tmp_path
        (stage / "new.parquet").write_text("new")
        assert (final / "old.parquet").exists()
    assert sorted(p.relative_to(final).as_posix() for p in final.rglob("*")) == ["new.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"]


def test_staged_directory_exception_leaves_the_old_directory_and_no_leftovers(tmp_path):
    final = tmp_path / "table"
    final.mkdir()
    (final / "old.parquet").write_text("old")
    with pytest.raises(ValueError):
        with staged(final, directory=True) as stage:
            (stage / "new.parquet").write_text("new")
            raise ValueError
    assert sorted(p.name for p in final.iterdir()) == ["old.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table"]


def test_staged_directory_where_none_existed(tmp_path):
    final = tmp_path / "a" / "table"
    with staged(final, directory=True) as stage:
        (stage / "x").write_text("x")
    assert (final / "x").read_text() == "x"
    assert _leftovers(final.parent) == []


def test_remove_leftovers_cleans_what_a_killed_block_leaves(tmp_path):
    # what a process killed inside staged() leaves: a staging file, a staging folder, an old folder mid-swap
    (tmp_path / ".f.txt.1a2b3c4d.staging").write_text("half")
    (tmp_path / ".table.1a2b3c4d.staging").mkdir()
    (tmp_path / ".table.1a2b3c4d.staging" / "part-0.parquet").write_text("half")
    (tmp_path / ".table.9f8e7d6c.old").mkdir()
    (tmp_path / "table").mkdir()
    (tmp_path / "f.txt").write_text("kept")
    (tmp_path / ".hidden").write_text("kept")
    assert remove_leftovers(tmp_path, "table") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".f.txt.1a2b3c4d.staging", ".hidden", "f.txt", "table"]
    assert remove_leftovers(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden", "f.txt", "table"]
    assert remove_leftovers(tmp_path) == 0


def test_remove_leftovers_after_a_real_interrupted_staged_block(tmp_path):
    final = tmp_path / "f.txt"
    gen = staged(final).__enter__  # enter the block and never leave it: what a killed process leaves behind
    tmp = gen()
    tmp.write_text("half")
    assert _leftovers(tmp_path) == [tmp.name]
    assert remove_leftovers(tmp_path, "f.txt") == 1
    assert list(tmp_path.iterdir()) == []


# -- hashing ---------------------------------------------------------------------------------------------------------


def test_sha256_file_equals_hashlib_over_the_stored_bytes(tmp_path):
    path = tmp_path / "obj.json.gz"
    data = os.urandom(3 * (1 << 20) + 17)  # more than one read chunk
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(empty) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("key,trail", [
    ("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz", None),  # the single-bucket form
    ("org/AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz", "org"),
    ("a/b/AWSLogs/111122223333/x.json.gz", None),  # not a trail name: a folder path
    ("/AWSLogs/x", None), ("org/not-cloudtrail.json", None),
])
def test_the_trail_a_cloudtrail_key_names_in_python_and_in_sql(key, trail):
    import duckdb

    from auditreport.raw import cloudtrail_key_trail, cloudtrail_trail_sql

    assert cloudtrail_key_trail(key) == trail
    assert duckdb.execute(f"SELECT {cloudtrail_trail_sql('k')} FROM (SELECT ? AS k)", [key]).fetchone() == (trail,)
