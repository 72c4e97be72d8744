"""extract/cloudtrail_files.py: CloudTrail files already on disk in the S3 key layout. Only the day folders of the
period, one day either side, are listed (plain and organisation-trail layouts); logs and digests are told apart;
an entry that cannot be an object (an unfinished ``.tmp`` copy, a folder) is listed, marked, and never opened; a
root without ``AWSLogs/`` is a SourceError."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditreport.errors import SourceError
from auditreport.extract.base import ExtractContext
from auditreport.extract.cloudtrail_files import CloudTrailFilesExtractor, list_cloudtrail_objects
from auditreport.period import Period
from auditreport.source_settings import FilesSettings

ACCT, ORG_ACCT, ORG = "111122223333", "444455556666", "o-abcdefghij"


def _write_object(root: Path, account: str, region: str, day: str, name: str, body: bytes) -> Path:
    y, m, d = day.split("-")
    p = root / "AWSLogs" / account / "CloudTrail" / region / y / m / d / f"{account}_CloudTrail_{region}_{y}{m}{d}T0000Z_{name}.json.gz"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(body)
    return p


def _put(root: Path, rel: str, body: bytes = b"x") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(body)
    return p


def _extract(root: Path, period: Period = Period(2026, 10)):
    ctx = ExtractContext(period=period, raw_dir=root.parent / "raw", run_id="t")
    return CloudTrailFilesExtractor("cloudtrail", FilesSettings(kind="files", path=root)).extract(ctx)


def test_only_the_period_days_are_listed(tmp_path):
    root = tmp_path / "ct"
    for day in ("2026-09-29", "2026-09-30", "2026-10-15", "2026-11-01", "2026-11-02"):
        _write_object(root, "111122223333", "eu-west-1", day, "x", b"")
    org = root / "AWSLogs" / "o-abcdefghij" / "444455556666" / "CloudTrail" / "us-east-1" / "2026" / "10" / "03"
    org.mkdir(parents=True)
    (org / "444455556666_CloudTrail_us-east-1_20261003T0000Z_org.json.gz").write_bytes(b"")
    ctx = ExtractContext(period=Period(2026, 10), raw_dir=tmp_path, run_id="t")
    keys = sorted(o.key.split("/CloudTrail/")[1][:20] for o in list_cloudtrail_objects(root, ctx))
    assert keys == ["eu-west-1/2026/09/30", "eu-west-1/2026/10/15", "eu-west-1/2026/11/01", "us-east-1/2026/10/03"]


def test_the_margin_crosses_a_year_boundary(tmp_path):
    root = tmp_path / "ct"
    for day in ("2026-11-29", "2026-11-30", "2026-12-31", "2027-01-01", "2027-01-02"):
        _write_object(root, ACCT, "eu-west-1", day, "x", b"")
    days = sorted(o.key.split("/eu-west-1/")[1][:10] for o in _extract(root, Period(2026, 12)).objects)
    assert days == ["2026/11/30", "2026/12/31", "2027/01/01"]


def test_org_trail_layout_logs_and_digests_with_keys_relative_to_the_root(tmp_path):
    root = tmp_path / "ct"
    log = _put(root, f"AWSLogs/{ORG}/{ORG_ACCT}/CloudTrail/us-east-1/2026/10/03/{ORG_ACCT}_CloudTrail_us-east-1_x.json.gz",
               b"12345")
    digest = _put(root, f"AWSLogs/{ORG}/{ORG_ACCT}/CloudTrail-Digest/us-east-1/2026/10/03/"
                        f"{ORG_ACCT}_CloudTrail-Digest_us-east-1_org_us-east-1_20261003T010000Z.json.gz")
    _put(root, f"AWSLogs/{ACCT}/Config/us-east-1/2026/10/03/config.json.gz")  # not CloudTrail: never listed
    out = _extract(root)
    assert (out.source, out.kind, out.root, out.location) == ("cloudtrail", "files", root, str(root))
    got = {o.key: o for o in out.objects}
    assert set(got) == {str(log.relative_to(root)), str(digest.relative_to(root))}
    o = got[str(log.relative_to(root))]
    assert (o.kind, Path(o.path), o.size_bytes, o.etag, o.not_readable) == ("log", log, 5, None, None)
    assert got[str(digest.relative_to(root))].kind == "digest"


def test_an_unfinished_tmp_copy_and_a_folder_are_listed_marked_and_never_opened(tmp_path):
    day = f"AWSLogs/{ACCT}/CloudTrail/eu-west-1/2026/10/03"
    root = tmp_path / "ct"
    _put(root, f"{day}/{ACCT}_CloudTrail_eu-west-1_a.json.gz")
    _put(root, f"{day}/.{ACCT}_CloudTrail_eu-west-1_b.json.gz.0123.tmp", b"half an object")
    (root / day / "a-folder").mkdir()
    got = {Path(o.key).name: o for o in _extract(root).objects}
    assert got[f"{ACCT}_CloudTrail_eu-west-1_a.json.gz"].not_readable is None
    tmp = got[f".{ACCT}_CloudTrail_eu-west-1_b.json.gz.0123.tmp"]
    assert tmp.not_readable[0] == "temporary_file" and tmp.size_bytes == 0 and tmp.kind == "log"
    assert got["a-folder"].not_readable[0] == "not_a_file"


def test_a_root_without_awslogs_is_a_source_error_naming_it(tmp_path):
    root = tmp_path / "not-a-trail-copy"
    (root / "logs").mkdir(parents=True)
    with pytest.raises(SourceError) as e:
        _extract(root)
    assert e.value.source == "cloudtrail" and str(root) in str(e.value) and "AWSLogs" in str(e.value)
    with pytest.raises(SourceError, match="directory not found"):
        _extract(tmp_path / "missing")
