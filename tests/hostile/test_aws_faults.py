"""Faults at the AWS edge (issue 8): the whole monthly job reads a live estate (a moto server on 127.0.0.1 standing in
for AWS, a real ``mlflow server``) through a fault-injecting proxy of our own (:mod:`fault_proxy`): throttling in
each protocol's own words (S3 ``503 SlowDown``, JSON ``400 ThrottlingException``, query ``400 Throttling``), plain
500 and 503 pages, connections reset before the answer, and S3 bodies cut off halfway.

The promise: every CloudTrail object of the period is loaded exactly once, or named as unavailable (its key in the
report and in the lake's ``quarantine``, or its day folder in the report), and the exit code says which: 0/1 when
every fault was retried away, 2 when one could not be; never 4, never a silent loss, never a record twice. A re-run
loads what the faulty run could not, and nothing twice.

The estate: 2 accounts x 2 regions x 8 days x 10 CloudTrail log objects (320 objects, 960 records, each with its own
eventID), 8 digests, and the trails, SageMaker, CloudWatch Logs, IAM and S3 settings of ``live_seed``'s seeders.

What moto cannot show, and so these tests do not claim: real AWS throttles by account and API rate, here the proxy
throttles by plan; moto's S3 answers are never slow, so read timeouts are not exercised; AssumeRole credentials from
moto never expire mid-run, so a refresh under faults is not exercised.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from auditreport.config import Config
from auditreport.extract.aws_session import error_line
from auditreport.lake.connection import connect, create_views
from auditreport.period import Period
from auditreport.runner import extract
from .fault_proxy import FaultPlan, FaultProxy, Rule
from live_seed import (
    ACCOUNTS,
    ORG,
    REGIONS,
    ROLE_PATTERN,
    TRAIL_BUCKET,
    TRAIL_PREFIX,
    cloudtrail_record,
    gz_json,
    only_moto_gaps,
    seed_buckets,
    seed_iam,
    seed_logs,
    seed_sagemaker,
    seed_trails,
)
from servers import moto_client

PERIOD = Period(2026, 10)
A, B = ACCOUNTS
DAYS = [date(2026, 10, d) for d in (1, 3, 8, 12, 17, 21, 26, 31)]
PER_DAY = 10
RECORDS = 3
ROOT = f"AWSLogs/{ORG}/"


def trail_key(account: str, region: str, day: date, n: int) -> str:
    return (f"{ROOT}{account}/CloudTrail/{region}/{day:%Y/%m/%d}/"
            f"{account}_CloudTrail_{region}_{day:%Y%m%d}T{n // 6:02d}{n % 6 * 10:02d}Z_{n:03d}Fault.json.gz")


def digest_key(account: str, region: str, day: date) -> str:
    return (f"{ROOT}{account}/CloudTrail-Digest/{region}/{day:%Y/%m/%d}/"
            f"{account}_CloudTrail-Digest_{region}_org-trail_{region}_{day:%Y%m%d}T230000Z.json.gz")


def seed_trail_objects(s3) -> tuple[dict[str, list[str]], list[str]]:
    """The log objects (key below the prefix -> the eventIDs of its records) and the digest keys."""
    logs: dict[str, list[str]] = {}
    digests: list[str] = []
    for account in ACCOUNTS:
        for region in REGIONS:
            for day in DAYS:
                for n in range(PER_DAY):
                    key = trail_key(account, region, day, n)
                    when = datetime(day.year, day.month, day.day, n // 6, n % 6 * 10)
                    records = [dict(cloudtrail_record(account, region, when + timedelta(seconds=i)),
                                    eventID=f"{account}-{region}-{day:%m%d}-{n}-{i}") for i in range(RECORDS)]
                    s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + key, Body=gz_json({"Records": records}))
                    logs[key] = [r["eventID"] for r in records]
            for day in (DAYS[0], DAYS[4]):
                key = digest_key(account, region, day)
                s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + key, Body=gz_json({
                    "awsAccountId": account,
                    "digestStartTime": f"{day:%Y-%m-%d}T00:00:00Z", "digestEndTime": f"{day:%Y-%m-%d}T23:00:00Z",
                    "digestS3Bucket": TRAIL_BUCKET, "digestS3Object": TRAIL_PREFIX + key,
                    "previousDigestSignature": None, "previousDigestS3Object": None,
                    "logFiles": [{"s3Bucket": TRAIL_BUCKET,
                                  "s3Object": TRAIL_PREFIX + trail_key(account, region, day, 0),
                                  "hashValue": "00", "hashAlgorithm": "SHA-256"}],
                }))  # fmt: skip
                digests.append(key)
    return logs, digests


@pytest.fixture
def estate(moto):
    url = moto.url
    s3 = moto_client(url, "s3", "eu-west-1", A)
    s3.create_bucket(Bucket=TRAIL_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    logs, digests = seed_trail_objects(s3)
    for account in ACCOUNTS:
        for region in REGIONS:
            seed_sagemaker(moto_client(url, "sagemaker", region, account), account, region)
            seed_logs(moto_client(url, "logs", region, account))
        seed_trails({r: moto_client(url, "cloudtrail", r, account) for r in REGIONS}, account)
        seed_iam(moto_client(url, "iam", "us-east-1", account), account)
    seed_buckets(moto_client(url, "s3", "eu-west-1", B))
    return {"moto": moto, "logs": logs, "digests": digests}


AWS_SOURCES = ["cloudtrail", "trails", "sagemaker", "cloudwatch", "iam", "s3"]


def config(endpoint: str) -> Config:
    return Config.model_validate({
        "organisation": "Fault test", "period": PERIOD.label,
        "policy": {"ml_log_group_prefixes": ["/aws/sagemaker/", "/ml/"]},
        # max_attempts 2: one retry per request (the product's default is 8); the plans fail a request once
        "aws": {"endpoint_url": endpoint, "accounts": ACCOUNTS, "regions": REGIONS, "role_arn": ROLE_PATTERN,
                "max_attempts": 2, "max_concurrency": 8},
        "sources": {
            "cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}", "organization_id": ORG},
            "trails": {"kind": "aws"}, "sagemaker": {"kind": "aws"}, "iam": {"kind": "aws"},
            "cloudwatch": {"kind": "aws", "event_log_groups": ["/ml/training"]},
            "s3": {"kind": "aws", "buckets": ["ml-datasets", "ml-scratch", "ml-audit-locked"]},
        },
    })  # fmt: skip


def config_toml(endpoint: str) -> str:
    """The same configuration as a file, for the command line."""
    return f"""organisation = "Fault test"
period = "{PERIOD.label}"
[policy]
ml_log_group_prefixes = ["/aws/sagemaker/", "/ml/"]
[aws]
endpoint_url = "{endpoint}"
accounts = {json.dumps(ACCOUNTS)}
regions = {json.dumps(REGIONS)}
role_arn = "{ROLE_PATTERN}"
max_attempts = 2
max_concurrency = 8
[sources.cloudtrail]
kind = "s3"
uri = "s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"
organization_id = "{ORG}"
[sources.trails]
kind = "aws"
[sources.sagemaker]
kind = "aws"
[sources.iam]
kind = "aws"
[sources.cloudwatch]
kind = "aws"
event_log_groups = ["/ml/training"]
[sources.s3]
kind = "aws"
buckets = ["ml-datasets", "ml-scratch", "ml-audit-locked"]
"""


def lake(out: Path):
    """(event_id, source_key, record_index) rows, committed cloudtrail keys with their count, quarantine rows: read
    from the lake itself (an ``extract`` writes no audit.duckdb)."""
    con = connect()
    try:
        create_views(con, out / "lake")
        events = con.execute("SELECT event_id, source_key, record_index FROM cloudtrail_events").fetchall()
        committed = Counter(k for (k,) in con.execute(
            "SELECT object_key FROM ingest_objects WHERE source = 'cloudtrail' AND status = 'loaded'").fetchall())
        quarantine = con.execute("SELECT source, object_key, reason, detail FROM quarantine").fetchall()
    finally:
        con.close()
    return events, committed, quarantine



def assert_loaded_exactly_once(out: Path, logs: dict[str, list[str]], absent=frozenset()) -> None:
    """Every seeded log object but ``absent`` is in the lake exactly once: its records' eventIDs, one row per
    (source_key, record_index), one committed ``ingest_objects`` row; no record of an ``absent`` object."""
    events, committed, _ = lake(out)
    expected = Counter(e for key, ids in logs.items() if key not in absent for e in ids)
    assert Counter(e for e, _, _ in events) == expected, "records lost or loaded twice"
    rows = Counter((k, i) for _, k, i in events)
    assert max(rows.values()) == 1, [r for r, n in rows.items() if n > 1][:5]
    assert committed == Counter({k: 1 for k in logs if k not in absent}), "an object committed twice or not at all"


# Faults a run must retry away. On S3 (~600 requests) throttling stays rare: botocore's adaptive mode answers each
# throttle by slowing the client down (to 0.5 requests/s after an early one), which is right for AWS and slow for a
# test. The JSON and query APIs see few requests (~110), so they get higher rates.
S3_FAULTS = {"throttle": 0.006, "500": 0.03, "503": 0.03, "reset": 0.04, "truncate": 0.12}
API_FAULTS = {"throttle": 0.05, "500": 0.08, "503": 0.08, "reset": 0.1}


# and, whatever the draws, once each: each protocol's own throttling answer, a plain 500 page where botocore expects
# XML (it cannot parse it), and API answers cut off halfway (not only S3 bodies)
EVERY_PROTOCOL = [
    Rule("throttle", operation="^GetAccountAuthorizationDetails$", times=1),  # query: 400 Throttling
    Rule("throttle", operation="^ListEndpoints$", times=1),  # JSON: 400 ThrottlingException
    Rule("500", operation="^AssumeRole$", times=1),  # query: "Internal Server Error", text/plain
    Rule("truncate", operation="^DescribeLogGroups$", times=1),  # half a JSON document
    # half an S3 listing: the 8 day folders of one day (2 accounts x 2 regions x logs and digests)
    Rule("truncate", operation="^ListObjectsV2$", query=f"prefix=[^&]*/{DAYS[2]:%Y/%m/%d}/(&|$)", times=1),
]


def transient(seed: int, rules=(), s3=S3_FAULTS) -> FaultPlan:
    return FaultPlan(seed=seed, rates=s3, protocol_rates={"json": API_FAULTS, "query": API_FAULTS},
                     rules=[*rules, *EVERY_PROTOCOL])


def test_transient_faults_are_retried_away_every_object_loads_once_and_a_rerun_loads_nothing(estate, tmp_path):
    """Promise: faults that go away on a retry (each faulted request fails once; with ``max_attempts = 2`` the client
    tries three times) cost nothing: every source is complete (exit 0), every seeded object is loaded exactly once, and a re-run under
    new faults loads nothing again. The proxy's counters show that every kind of fault, on S3, on the JSON APIs and
    on the query APIs, really happened."""
    moto, logs = estate["moto"], estate["logs"]
    out = tmp_path / "out"
    with FaultProxy(moto.url, transient(11)) as proxy:
        first = extract(config(proxy.url), PERIOD, out)
        injected = dict(proxy.injected)
        by_protocol = set(proxy.injected_by_protocol)

        assert sum(injected.values()) >= 100, injected  # 320 objects, 264 day listings, ~110 API calls
        assert {("rest-xml", k) for k in S3_FAULTS} <= by_protocol, by_protocol  # SlowDown, 500, 503, reset, cut
        assert {("json", "throttle"), ("query", "throttle"), ("query", "500"), ("json", "truncate")} <= by_protocol
        assert proxy.injected_by_operation[("ListObjectsV2", "truncate")] == 8  # 2 accounts x 2 regions x 2 kinds
        assert {p for p, k in by_protocol if k in ("500", "503", "reset")} == {"rest-xml", "json", "query"}

        statuses = {s.name: (s.status, s.detail) for s in first.sources if s.name in AWS_SOURCES}
        # sagemaker and trails are partial only because moto answers 500 to ListMonitoringSchedules and cloudtrail
        # ListPublicKeys (live_seed.MOTO_UNIMPLEMENTED), whatever the proxy does
        assert statuses == {**{name: ("ok", "") for name in AWS_SOURCES},
                            "sagemaker": ("partial", statuses["sagemaker"][1]),
                            "trails": ("partial", statuses["trails"][1]),
                            "cloudtrail": ("partial", statuses["cloudtrail"][1])}, statuses
        # cloudtrail: the seed holds logs of 8 days of the month, the others are named as missing (SEEDED_DAYS_GAP)
        assert statuses["cloudtrail"][1].startswith("no record on 23 of 31 days of 2026-10: "), statuses
        assert "ListMonitoringSchedules: 500" in statuses["sagemaker"][1], statuses
        assert "ListPublicKeys: 500" in statuses["trails"][1], statuses
        assert only_moto_gaps(first.incomplete_reasons), first.incomplete_reasons
        ct = first.sources[0]
        assert (ct.objects_read, ct.objects_loaded, ct.objects_quarantined) == (len(logs), len(logs), 0)
        assert_loaded_exactly_once(out, logs)
        assert_lake_invariants_of_extract(first, out)

        # the same month again, under other faults: nothing is downloaded or loaded twice
        proxy.set_plan(transient(12))
        again = extract(config(proxy.url), PERIOD, out)
        assert proxy.total_injected > sum(injected.values())
    ct = again.sources[0]
    assert (ct.status, ct.objects_loaded, ct.objects_skipped) == ("partial", 0, len(logs)), ct  # 23 days missing
    assert only_moto_gaps(again.incomplete_reasons), again.incomplete_reasons  # complete but for moto's gap
    assert_loaded_exactly_once(out, logs)
    assert not list((out / "raw" / "cloudtrail").rglob(".*.tmp")), "a partial download was left behind"


def assert_lake_invariants_of_extract(result, out: Path) -> None:
    """tests/lake_invariants.py reads audit.duckdb, which only ``run`` writes: its first promise, on the lake
    (uniqueness is :func:`assert_loaded_exactly_once`'s)."""
    for s in result.sources:
        assert s.objects_read == s.objects_loaded + s.objects_quarantined + s.objects_skipped, s


def test_permanent_faults_are_named_exit_2_and_the_next_run_loads_them_once(estate, tmp_path):
    """Promise: a fault that never goes away is never a crash and never a silent loss. Under transient faults, plus
    two log objects whose download always fails (every body cut off halfway; always a 503 page), a digest
    whose connection is always reset, one day folder whose listing always fails with 500, and SageMaker throttled for
    good in one region, ``auditreport run`` exits 2 (not 4, not 0) without a traceback; the report names each
    object (its quarantined inputs; the lake's ``quarantine`` as ``unreadable_object`` with the error), the day folder
    and the SageMaker scopes (the sources' detail); every other object is loaded exactly once and no partial download
    is left under an object's name. Once the faults are gone, the next run loads exactly what was missing, and
    nothing twice."""
    moto, logs, digests = estate["moto"], estate["logs"], estate["digests"]
    cut = trail_key(A, "eu-west-1", DAYS[1], 4)
    down = trail_key(B, "us-east-1", DAYS[4], 7)
    reset_digest = digests[1]
    lost_day = f"{ROOT}{B}/CloudTrail/eu-west-1/{DAYS[5]:%Y/%m/%d}/"
    in_lost_day = {k for k in logs if k.startswith(lost_day)}
    assert len(in_lost_day) == PER_DAY
    # S3 throttling is the first test's: here it would only slow the S3 client down
    plan = transient(21, s3={**S3_FAULTS, "throttle": 0.0}, rules=[
        Rule("truncate", operation="^GetObject$", key=f"{cut}$"),
        Rule("503", operation="^GetObject$", key=f"{down}$"),
        Rule("reset", operation="^GetObject$", key=f"{reset_digest}$"),
        Rule("500", operation="^ListObjectsV2$", query=f"prefix={TRAIL_PREFIX}{lost_day}"),
        Rule("throttle", operation="^ListEndpoints$", region="us-east-1"),
    ])
    out = tmp_path / "out"
    cfg = tmp_path / "auditreport.toml"
    with FaultProxy(moto.url, plan) as proxy:
        cfg.write_text(config_toml(proxy.url))
        r = subprocess.run([sys.executable, "-m", "auditreport.cli", "run", "--config", str(cfg), "--out", str(out)],
                           capture_output=True, text=True, timeout=600)  # fmt: skip
        assert r.returncode == 2, r.stdout + r.stderr
        assert "Traceback" not in r.stderr and "unexpected error" not in r.stderr, r.stderr
        faulted = proxy.faulted_keys
        # [aws].max_attempts = 2 retries: three tries each (a permanent SlowDown would do the same, and slow the whole
        # S3 client down through botocore's adaptive rate limiter, which costs this test 20 s for nothing)
        assert faulted[TRAIL_PREFIX + cut] == faulted[TRAIL_PREFIX + down] == 3, faulted

        body = json.loads((out / "findings.json").read_text())
        sources = {s["name"]: s for s in body["sources"]}
        assert {n: sources[n]["status"] for n in AWS_SOURCES} == {
            "cloudtrail": "partial", "trails": "partial", "sagemaker": "partial", "cloudwatch": "ok", "iam": "ok",
            "s3": "ok"}  # trails: moto does not implement cloudtrail ListPublicKeys (HTTP 500), nothing the proxy did
        assert "ListPublicKeys: 500" in sources["trails"]["detail"], sources["trails"]["detail"]
        for s in body["sources"]:  # every input accounted for
            assert s["objects_read"] == s["objects_loaded"] + s["objects_quarantined"] + s["objects_skipped"], s
        assert sources["cloudtrail"]["objects_quarantined"] == 2  # the two logs; the digest counts under its own
        reasons = " ".join(body["incomplete_reasons"])
        # (the bucket is read as its first account, A)
        assert f"{TRAIL_PREFIX}{lost_day}: account {A} region eu-west-1 ListObjectsV2: 500" in reasons, reasons
        for region_line in (f"account {A} region us-east-1 ListEndpoints: ThrottlingException",
                            f"account {B} region us-east-1 ListEndpoints: ThrottlingException"):
            assert region_line in sources["sagemaker"]["detail"], sources["sagemaker"]["detail"]
        _, _, quarantine = lake_of_run(out)
        unreadable = {(src, key) for src, key, reason, _ in quarantine if reason == "unreadable_object"}
        assert unreadable == {("cloudtrail", cut), ("cloudtrail", down), ("cloudtrail_digest", reset_digest)}
        details = {key: detail for _, key, reason, detail in quarantine if reason == "unreadable_object"}
        assert "IncompleteReadError" in details[cut] and "503" in details[down], details
        html = (out / "report.html").read_text()
        for key in (cut, down, reset_digest):
            assert key.rsplit("/", 1)[1] in html, f"the report does not name {key}"
        assert_loaded_exactly_once(out, logs, absent={cut, down} | in_lost_day)
        for key in (cut, down, reset_digest):
            assert not (out / "raw" / "cloudtrail" / key).exists(), "half an object under its final name"
        assert not list((out / "raw" / "cloudtrail").rglob(".*.tmp")), "a partial download was left behind"

        # the faults are gone: the next run loads the 12 missing objects, and nothing again
        proxy.set_plan(FaultPlan())
        again = extract(config(proxy.url), PERIOD, out)
    ct = again.sources[0]
    assert (ct.status, ct.objects_loaded, ct.objects_skipped) == ("partial", 2 + PER_DAY, len(logs) - 2 - PER_DAY), ct
    assert ct.detail.startswith("no record on 23 of 31 days of 2026-10: "), ct.detail  # the seed's 8 days only
    assert only_moto_gaps(again.incomplete_reasons), again.incomplete_reasons  # complete but for moto's gap
    assert_loaded_exactly_once(out, logs)
    assert_lake_invariants_of_extract(again, out)


def lake_of_run(out: Path):
    """What :func:`lake` reads, from the audit.duckdb a run wrote (and, through it, the lake promises of every
    end-to-end tree)."""
    con = duckdb.connect(str(out / "audit.duckdb"), read_only=True)
    try:
        events = con.execute("SELECT event_id, source_key, record_index FROM cloudtrail_events").fetchall()
        committed = Counter(k for (k,) in con.execute(
            "SELECT object_key FROM ingest_objects WHERE source = 'cloudtrail' AND status = 'loaded'").fetchall())
        quarantine = con.execute("SELECT source, object_key, reason, detail FROM quarantine").fetchall()
    finally:
        con.close()
    return events, committed, quarantine


def test_an_answer_botocore_cannot_parse_is_one_line_that_never_repeats_its_body():
    """Promise: an answer botocore cannot parse (here half an AssumeRole answer, which holds a secret key) is an
    error of its own (``AWS_ERRORS``: a failed scope, not a crash) whose one line names where and what, and never
    repeats the body botocore puts in its message: error lines go into the report."""
    import botocore.session
    from botocore.parsers import create_parser

    from auditreport.extract.aws_session import AWS_ERRORS

    model = botocore.session.get_session().get_service_model("sts").operation_model("AssumeRole")
    half = b"<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>s3cr3t-k3y"
    with pytest.raises(AWS_ERRORS) as caught:
        create_parser("query").parse({"body": half, "headers": {}, "status_code": 200}, model.output_shape)
    line = error_line(caught.value, A, "eu-west-1", "AssumeRole")
    assert line.startswith(f"account {A} region eu-west-1 AssumeRole: ResponseParserError: Unable to parse"), line
    assert "s3cr3t" not in line and "\n" not in line
