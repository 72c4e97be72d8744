"""The shared driver of the AWS snapshot extractors (extract/aws_snapshot.py): scopes, staging, _capture.json and the
error policy (one failed scope = partial, every scope failed = unavailable).

The live tests run a real extractor against moto; the others drive the base class through a small extractor of
their own (the documented extension point: ``capture`` one scope), which never calls AWS.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from auditreport.errors import SourceError
from auditreport.extract.aws_session import ScopeError
from auditreport.extract.aws_snapshot import AwsSnapshotExtractor, error_body
from auditreport.source_settings import Aws, AwsApiSettings
from live_seed import extractor, make_config, make_ctx, read_json, seed_sagemaker, without_moto_gaps
from servers import moto_client

A, B = "111111111111", "222222222222"


class Probe(AwsSnapshotExtractor):
    """Writes one response per resource in each scope; the scopes of accounts in ``fail`` fail as a whole;
    ``notes`` lines are added per scope; ``crash`` raises what no scope handler expects."""

    name = "probe"
    service = "probe"

    def __init__(self, *, accounts=(A, B), regions=("eu-west-1", "us-east-1"), fail=(), notes=0,
                 resources=("a", "b"), crash=False):
        super().__init__(AwsApiSettings(kind="aws"), Aws(accounts=list(accounts), regions=list(regions)))
        self.fail, self.notes, self.resources, self.crash = set(fail), notes, resources, crash

    def capture(self, run, account, region, notes):
        if self.crash:
            raise RuntimeError("killed")
        if account in self.fail:
            raise ScopeError(f"account {account}: refused")
        for r in self.resources:
            run.write(account, region, "probe", "DescribeThing", {"Name": r, "At": datetime(2026, 10, 1)}, ident=r)
        notes.extend(f"{account} {region} note {i}" for i in range(self.notes))


class GlobalProbe(Probe):
    global_scope = True


def test_a_deleted_endpoint_does_not_linger_in_the_next_snapshot(moto, tmp_path):
    sm = moto_client(moto.url, "sagemaker", "eu-west-1")
    seed_sagemaker(sm, "123456789012", "eu-west-1")
    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, regions=["eu-west-1"])
    first = extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw"))
    account = "123456789012"  # moto's default account: no [aws].accounts means "the account of the credentials"
    endpoint = first.root / account / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "scratch-endpoint.json"
    assert endpoint.is_file()
    sm.delete_endpoint(EndpointName="scratch-endpoint")
    extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw", run_id="run-2"))
    assert not endpoint.exists()
    assert (first.root / account / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "fraud-prod.json").is_file()
    assert not list((tmp_path / "raw").glob(".sagemaker*"))  # no staging leftovers


def test_one_unreachable_account_makes_the_source_partial_and_all_unreachable_makes_it_fail(moto, tmp_path):
    """Without a role pattern the tool may only read the account of its credentials (moto's 123456789012): another
    configured account is a failed scope, named in one line."""
    seed_sagemaker(moto_client(moto.url, "sagemaker", "eu-west-1"), "123456789012", "eu-west-1")
    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, accounts=["123456789012", "999999999999"],
                      regions=["eu-west-1"])
    out = extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw"))
    assert without_moto_gaps(out.errors) == ["account 999999999999: the credentials belong to account 123456789012; "
                          "set [aws].role_arn to read other accounts"]
    assert (out.root / "123456789012" / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "fraud-prod.json").is_file()
    scopes = read_json(out.root / "_capture.json")["scopes"]
    assert [s["captured"] for s in scopes] == [True, False]

    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, accounts=["999999999999"], regions=["eu-west-1"])
    with pytest.raises(SourceError) as e:
        extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw2"))
    assert e.value.source == "sagemaker" and "999999999999" in str(e.value)


def test_every_scope_is_written_below_the_source_root_with_its_capture_file(tmp_path):
    progress = []
    out = Probe().extract(make_ctx(tmp_path / "raw", progress=lambda *a: progress.append(a)))
    assert (out.source, out.kind, out.root, out.errors) == ("probe", "aws", tmp_path / "raw" / "probe", [])
    assert out.location == f"AWS accounts {A}, {B}; regions eu-west-1, us-east-1"
    for a in (A, B):
        for r in ("eu-west-1", "us-east-1"):
            body = read_json(out.root / a / r / "probe" / "DescribeThing" / "b.json")
            assert body == {"Name": "b", "At": "2026-10-01T00:00:00+00:00"}  # datetimes as ISO 8601 UTC
    capture = read_json(out.root / "_capture.json")
    assert capture["captured_at"] == out.captured_at.isoformat() and capture["format_version"] == 1
    assert out.captured_at.tzinfo == timezone.utc and out.captured_at.microsecond == 0
    assert capture["scopes"] == [{"account": a, "region": r, "captured": True}
                                 for a in (A, B) for r in ("eu-west-1", "us-east-1")]
    files = list(out.root.rglob("*.json"))
    assert progress == [("probe", len(files), sum(f.stat().st_size for f in files))]


def test_a_global_source_reads_each_account_once_and_names_no_region(tmp_path):
    out = GlobalProbe().extract(make_ctx(tmp_path / "raw"))
    assert [s["region"] for s in read_json(out.root / "_capture.json")["scopes"]] == ["global", "global"]
    assert out.location == f"AWS accounts {A}, {B}"
    assert (out.root / A / "global" / "probe" / "DescribeThing" / "a.json").is_file()


def test_a_failed_scope_is_one_error_line_and_the_others_are_kept(tmp_path):
    out = Probe(fail={B}, notes=1).extract(make_ctx(tmp_path / "raw"))
    assert out.errors == [f"account {B}: refused", f"account {B}: refused",
                          f"{A} eu-west-1 note 0", f"{A} us-east-1 note 0"]
    assert [s["captured"] for s in read_json(out.root / "_capture.json")["scopes"]] == [True, True, False, False]
    assert not (out.root / B).exists()


def test_every_scope_failed_is_a_source_error_and_the_previous_snapshot_stays(tmp_path):
    first = Probe().extract(make_ctx(tmp_path / "raw"))
    with pytest.raises(SourceError) as e:
        Probe(fail={A, B}).extract(make_ctx(tmp_path / "raw", run_id="run-2"))
    assert str(e.value) == f"source 'probe': account {A}: refused (and 3 more scopes failed)"
    assert (first.root / A / "eu-west-1" / "probe" / "DescribeThing" / "a.json").is_file()
    assert read_json(first.root / "_capture.json")["captured_at"] == first.captured_at.isoformat()
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["probe"]  # no staging left beside it


def test_a_crash_midway_leaves_the_previous_snapshot_intact(tmp_path):
    Probe().extract(make_ctx(tmp_path / "raw"))
    with pytest.raises(RuntimeError):
        Probe(crash=True).extract(make_ctx(tmp_path / "raw", run_id="run-2"))
    assert (tmp_path / "raw" / "probe" / A / "us-east-1" / "probe" / "DescribeThing" / "b.json").is_file()
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["probe"]


def test_the_new_snapshot_replaces_the_old_whole_and_leftovers_of_a_killed_run_go(tmp_path):
    raw = tmp_path / "raw"
    Probe().extract(make_ctx(raw))
    (raw / ".probe.deadbeef.staging").mkdir()  # what a SIGKILL during a run leaves
    (raw / ".probe.cafe0000.old").mkdir()
    out = Probe(resources=("a",)).extract(make_ctx(raw, run_id="run-2"))
    assert not (out.root / A / "eu-west-1" / "probe" / "DescribeThing" / "b.json").exists()
    assert (out.root / A / "eu-west-1" / "probe" / "DescribeThing" / "a.json").is_file()
    assert sorted(p.name for p in raw.iterdir()) == ["probe"]


def test_error_lines_are_capped_at_fifty_and_say_how_many_more(tmp_path):
    out = Probe(notes=30).extract(make_ctx(tmp_path / "raw"))
    assert len(out.errors) == 51 and out.errors[-1] == "… and 70 more errors like these"


def test_error_body_keeps_the_code_and_message_of_a_not_configured_answer():
    err = ClientError({"Error": {"Code": "NoSuchLifecycleConfiguration", "Message": "none"}}, "GetBucketLifecycle")
    assert error_body(err) == {"Error": {"Code": "NoSuchLifecycleConfiguration", "Message": "none"}}
    assert error_body(ValueError("odd")) == {"Error": {"Code": "ValueError", "Message": "odd"}}
