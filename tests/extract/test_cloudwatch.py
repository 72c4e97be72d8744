"""CloudWatchExtractor against a real (moto) server: log groups of every ML prefix, events of the configured groups
bounded to the period.

moto (like AWS) rejects log events older than 14 days, so log events are seeded around "now", in a period that
contains now, not in the fixed test period.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from auditreport.period import Period
from live_seed import ACCOUNTS, REGIONS, extractor, make_config, make_ctx, multi_account_config, read_json, seed_logs
from servers import moto_client

def test_cloudwatch_log_groups_of_every_ml_prefix_and_events_bounded_to_the_period(moto, tmp_path, aws_calls):
    now = datetime.now(timezone.utc)
    period = Period((now - timedelta(hours=1)).year, (now - timedelta(hours=1)).month)
    logs = moto_client(moto.url, "logs", "eu-west-1")
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/fraud-prod")
    logs.put_retention_policy(logGroupName="/aws/sagemaker/Endpoints/fraud-prod", retentionInDays=400)
    logs.create_log_group(logGroupName="/ml/training")  # no retention: never expires
    logs.create_log_group(logGroupName="/app/web")  # not an ML group
    logs.create_log_stream(logGroupName="/ml/training", logStreamName="job-1")
    start_ms = int(period.start.replace(tzinfo=timezone.utc).timestamp() * 1000)
    now_ms = int(now.timestamp() * 1000)
    inside = [now_ms - 3_600_000, now_ms - 60_000]
    outside = []
    if start_ms - 1 > now_ms - 13 * 86_400_000:  # the period's start is recent enough for moto to accept events
        inside.append(start_ms)
        outside.append(start_ms - 1)
    logs.put_log_events(logGroupName="/ml/training", logStreamName="job-1", logEvents=[
        {"timestamp": t, "message": f"at {t}"} for t in sorted(inside + outside)])

    cfg = make_config(moto.url, {"cloudwatch": {"kind": "aws", "log_group_prefixes": ["/ml/"],
                                                "event_log_groups": ["/ml/training", "/ml/absent"]}},
                      regions=["eu-west-1"])
    ctx = make_ctx(tmp_path / "raw", period=period)
    with aws_calls.recording():
        out = extractor(cfg, "cloudwatch").extract(ctx)

    d = out.root / "123456789012" / "eu-west-1" / "logs"
    groups = {g["logGroupName"]: g for g in read_json(d / "DescribeLogGroups.json")["logGroups"]}
    # policy.ml_log_group_prefixes (/aws/sagemaker/) AND the source's prefixes (/ml/): the checks need all ML groups
    assert set(groups) == {"/aws/sagemaker/Endpoints/fraud-prod", "/ml/training"}
    assert groups["/aws/sagemaker/Endpoints/fraud-prod"]["retentionInDays"] == 400
    assert "retentionInDays" not in groups["/ml/training"]
    events = read_json(d / "FilterLogEvents" / f"{quote('/ml/training', safe='')}.json")["events"]
    assert sorted(e["timestamp"] for e in events) == sorted(inside)
    call = aws_calls.of("FilterLogEvents")[0][3]
    assert call["startTime"] == start_ms
    assert call["endTime"] == int(period.end.replace(tzinfo=timezone.utc).timestamp() * 1000) - 1  # [start, end)
    # a configured event group that exists nowhere is missing evidence: the source is partial
    assert out.errors == ["log group /ml/absent (sources.cloudwatch.event_log_groups) exists in none of the "
                          "accounts and regions"]


def test_cloudwatch_in_every_account_and_region(moto, tmp_path):
    for a in ACCOUNTS:
        for r in REGIONS:
            seed_logs(moto_client(moto.url, "logs", r, a))
    cfg = multi_account_config(moto.url, {"cloudwatch": {"kind": "aws", "log_group_prefixes": ["/ml/"]}})
    out = extractor(cfg, "cloudwatch").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == []
    for a in ACCOUNTS:
        for r in REGIONS:
            body = read_json(out.root / a / r / "logs" / "DescribeLogGroups.json")
            assert [g["logGroupName"] for g in body["logGroups"]] == ["/aws/sagemaker/Endpoints/fraud-prod",
                                                                      "/ml/training"]
            assert all(f":{a}:" in g["logGroupArn"] and f":{r}:" in g["logGroupArn"] for g in body["logGroups"])
