"""CloudTrail from S3 at S3's pace: listings and downloads run side by side, bounded by ``[aws].max_concurrency``.

The moto server (its own process) answers in about a millisecond; real S3 takes some 20 ms before the first byte of
each answer, and that wait is what concurrency hides. So these tests put ``benchmarks/latency_proxy.py`` between the
extractor and moto, with 50 ms added to every request, and time the extraction against the time the same requests
would take one after the other.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from live_seed import ACCOUNTS, TRAIL_BUCKET, TRAIL_PREFIX, cloudtrail_record, extractor, make_config, make_ctx
from servers import moto_client

REPO = Path(__file__).resolve().parents[2]
LATENCY = 0.050
OBJECTS = 64
ACCOUNT, REGION = ACCOUNTS[0], "eu-west-1"
DAYS = [date(2026, 10, d) for d in (1, 5, 9, 13, 17, 21, 25, 29)]


def _latency_proxy_class():
    spec = importlib.util.spec_from_file_location("latency_proxy", REPO / "benchmarks" / "latency_proxy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LatencyProxy


LatencyProxy = _latency_proxy_class()


@pytest.fixture
def small_objects(moto) -> dict[str, bytes]:
    """64 small log objects over 8 days of one account and region: key below the prefix -> body."""
    s3 = moto_client(moto.url, "s3")
    s3.create_bucket(Bucket=TRAIL_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    bodies = {}
    for i in range(OBJECTS):
        day = DAYS[i % len(DAYS)]
        key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{day:%Y/%m/%d}/"
               f"{ACCOUNT}_CloudTrail_{REGION}_{day:%Y%m%d}T{i // 4:02d}{i % 4 * 15:02d}Z_{i:04d}.json.gz")
        records = [cloudtrail_record(ACCOUNT, REGION, datetime(2026, 10, day.day, 1, j)) for j in range(1 + i % 5)]
        bodies[key] = gzip.compress(json.dumps({"Records": records}).encode(), mtime=0)
        s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + key, Body=bodies[key])
    return bodies


@pytest.fixture
def slow_s3(moto):
    with LatencyProxy(moto.url, latency=LATENCY) as proxy:
        yield proxy


def _config(endpoint: str, workers: int):
    return make_config(endpoint, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                       accounts=[ACCOUNT], regions=[REGION], max_concurrency=workers)


def _as_downloaded(out) -> list[tuple]:
    return [(o.key, o.size_bytes, o.etag, o.kind, o.not_readable, o.path.read_bytes() if o.path else None)
            for o in out.objects]


def test_downloads_run_concurrently_bounded_by_max_concurrency_and_equal_one_worker(moto, small_objects, slow_s3,
                                                                                   tmp_path, aws_calls):
    with aws_calls.recording():
        t0 = time.perf_counter()
        fast = extractor(_config(slow_s3.url, 16), "cloudtrail").extract(make_ctx(tmp_path / "16"))
        elapsed = time.perf_counter() - t0
    requests = slow_s3.requests
    lists, gets = len(aws_calls.of("ListObjectsV2")), len(aws_calls.of("GetObject"))
    assert gets == OBJECTS and lists == 2 * 33 and requests == lists + gets  # every request went through the proxy
    serial = requests * LATENCY  # the least one request at a time could take
    assert elapsed < 0.4 * serial, f"{requests} requests took {elapsed:.2f} s; one at a time: >= {serial:.2f} s"
    # concurrent, and never more at once than configured
    assert 8 <= slow_s3.max_in_flight <= 16, slow_s3.max_in_flight
    # pipelined: downloads began while day prefixes were still being listed
    ops = [c[1] for c in aws_calls.calls]
    assert ops.index("GetObject") < len(ops) - 1 - ops[::-1].index("ListObjectsV2"), ops

    one = extractor(_config(moto.url, 1), "cloudtrail").extract(make_ctx(tmp_path / "1"))
    assert fast.errors == one.errors == []
    assert _as_downloaded(fast) == _as_downloaded(one)  # the same objects, in key order, with the same bytes
    assert {k: b for k, _, _, _, _, b in _as_downloaded(fast)} == small_objects


def test_never_more_requests_open_than_max_concurrency(moto, small_objects, slow_s3, tmp_path):
    out = extractor(_config(slow_s3.url, 4), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert 2 <= slow_s3.max_in_flight <= 4, slow_s3.max_in_flight
    assert sorted(o.key for o in out.objects if o.path) == sorted(small_objects) and out.errors == []


def test_a_day_listed_in_many_pages_is_downloaded_whole_in_key_order(tmp_path, monkeypatch, moto, aws_calls):
    """A moto server of its own that answers ListObjectsV2 five keys a page: every page of a day is listed (with
    its continuation token) and downloaded, whatever order the pages and downloads end in."""
    from servers import MotoServer

    monkeypatch.setenv("MOTO_S3_DEFAULT_MAX_KEYS", "5")
    paged = MotoServer(tmp_path / "moto-paged")
    paged.workdir.mkdir()
    paged.start()
    try:
        s3 = moto_client(paged.url, "s3")
        s3.create_bucket(Bucket=TRAIL_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        bodies = {}
        for day in (date(2026, 10, 3), date(2026, 10, 4)):
            for i in range(12):
                key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{day:%Y/%m/%d}/"
                       f"{ACCOUNT}_CloudTrail_{REGION}_{day:%Y%m%d}T00{i:02d}Z_{i:04d}.json.gz")
                bodies[key] = gzip.compress(json.dumps({"Records": [
                    cloudtrail_record(ACCOUNT, REGION, datetime(2026, 10, day.day, 0, i))]}).encode(), mtime=0)
                s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + key, Body=bodies[key])
        with aws_calls.recording():
            out = extractor(_config(paged.url, 8), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    finally:
        paged.stop()
    assert out.errors == []
    assert [o.key for o in out.objects] == sorted(bodies)
    assert {o.key: o.path.read_bytes() for o in out.objects} == bodies
    continued = [c[3]["Prefix"] for c in aws_calls.of("ListObjectsV2") if "ContinuationToken" in c[3]]
    assert sorted(continued) == sorted([f"{TRAIL_PREFIX}AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2026/10/0{d}/"
                                        for d in (3, 4)] * 2)  # pages 2 and 3 of each day


def test_objects_are_handed_over_while_later_ones_still_download(slow_s3, small_objects, tmp_path):
    """extract() returns before the downloads are done: the loader can parse the first objects meanwhile. The
    error lines are complete once the last object has been read."""
    from auditreport.raw import ObjectStream
    from auditreport.sources import SOURCES

    cfg = _config(slow_s3.url, 4)
    settings = SOURCES["cloudtrail"].settings_for(cfg)
    started = time.monotonic()
    raw = SOURCES["cloudtrail"].extractor(settings, cfg.aws).extract(make_ctx(tmp_path / "raw"))
    returned = time.monotonic() - started
    assert isinstance(raw.objects, ObjectStream)
    first = next(iter(raw.objects))
    assert first.path is not None and Path(first.path).is_file()
    everything = list(raw.objects)
    total = time.monotonic() - started
    assert returned < total / 2  # most of the work happened while the objects were being read
    assert sorted(o.key for o in everything if o.path) == sorted(small_objects) and raw.errors == []
