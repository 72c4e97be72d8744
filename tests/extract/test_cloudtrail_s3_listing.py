"""extract/cloudtrail_s3_listing.py: a trail bucket's objects of the period listed, nothing downloaded (the Spark
ingest's driver), on a real (moto) S3 server in its own process."""

from __future__ import annotations

import pytest

from auditreport.errors import SourceError
from auditreport.extract.cloudtrail_s3 import S3CloudTrailExtractor
from auditreport.extract.cloudtrail_s3_listing import list_trail_bucket
from auditreport.sources import SOURCES
from live_seed import ACCOUNTS, REGIONS, TRAIL_BUCKET, TRAIL_PREFIX, make_config, make_ctx, seed_trail_bucket
from servers import moto_client


def _extractor(config) -> S3CloudTrailExtractor:
    source = SOURCES["cloudtrail"]
    return source.extractor(source.settings_for(config), config.aws)


def test_lists_the_period_and_downloads_nothing(moto, tmp_path, aws_calls):
    keys = seed_trail_bucket(moto_client(moto.url, "s3"))
    config = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                         accounts=ACCOUNTS, regions=REGIONS)  # fmt: skip
    with aws_calls.recording():
        listing = list_trail_bucket(_extractor(config), make_ctx(tmp_path / "raw"))
    assert listing.errors == [] and listing.bucket == TRAIL_BUCKET
    assert {o.rel for o in listing.objects} == keys["log"] | keys["digest"]
    assert {o.rel for o in listing.objects if o.kind == "digest"} == keys["digest"]
    assert all(o.key == TRAIL_PREFIX + o.rel and o.size > 0 and o.etag for o in listing.objects)
    assert [o.key for o in listing.objects] == sorted(o.key for o in listing.objects)
    operations = {op for _, op in aws_calls.operations()}
    assert "ListObjectsV2" in operations and "GetObject" not in operations
    assert not (tmp_path / "raw").exists()


def test_an_account_without_log_objects_is_an_error_line(moto, tmp_path):
    seed_trail_bucket(moto_client(moto.url, "s3"))
    silent = "333333333333"
    config = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                         accounts=[*ACCOUNTS, silent], regions=REGIONS)  # fmt: skip
    listing = list_trail_bucket(_extractor(config), make_ctx(tmp_path / "raw"))
    assert len(listing.errors) == 1 and f"no CloudTrail log objects for account {silent}" in listing.errors[0]


def test_a_bucket_that_cannot_be_listed_is_a_source_error(moto, tmp_path):
    config = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": "s3://no-such-bucket/"}},
                         accounts=ACCOUNTS, regions=REGIONS)  # fmt: skip
    with pytest.raises(SourceError, match="no-such-bucket"):
        list_trail_bucket(_extractor(config), make_ctx(tmp_path / "raw"))
