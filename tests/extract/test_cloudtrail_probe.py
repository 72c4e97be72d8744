"""The trail bucket's preflight against the moto server: the day folders of the period, by month listing.
(Denied listings and empty accounts are in tests/test_preflight.py, through the whole preflight.)"""

from __future__ import annotations

from datetime import date

from auditreport.extract.cloudtrail_probe import probe_trail_bucket
from auditreport.sources import SOURCES
from live_seed import ACCOUNTS, ORG, PERIOD, REGIONS, TRAIL_BUCKET, TRAIL_PREFIX, make_config, seed_trail_bucket
from servers import moto_client


def trail_extractor(moto, **source):
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}",
                                                **source}})
    return SOURCES["cloudtrail"].extractor(cfg.sources["cloudtrail"], cfg.aws)


def test_discovered_accounts_and_regions_and_days_still_to_come(moto, aws_calls):
    seed_trail_bucket(moto_client(moto.url, "s3", "eu-west-1"), org=ORG)
    with aws_calls.recording():
        probe = probe_trail_bucket(trail_extractor(moto, organization_id=ORG), PERIOD, today=date(2026, 10, 16))
    assert probe.ok, probe.failed
    # 2 accounts x 2 regions x 2 folder kinds, one listing of the month folder each (after the discovery listings)
    months = [c for c in aws_calls.of("ListObjectsV2") if c[3]["Prefix"].endswith("/2026/10/")]
    assert len(months) == 8 and all(c[3]["Delimiter"] == "/" for c in months)
    assert probe.notes[0] == "log files on every day so far in 0 of 4 account/region(s)"
    assert "16 day(s) of 2026-10 still to come" in probe.notes
    # the seed writes logs on the 1st and the 15th before the 16th: 13 of 15 days missing, in each scope
    for account in ACCOUNTS:
        for region in REGIONS:
            assert any(n.startswith(f"account {account} region {region}: no log files on 13 of 15 days: 2026-10-02")
                       for n in probe.notes), probe.notes


def test_a_period_wholly_to_come_expects_nothing(moto):
    seed_trail_bucket(moto_client(moto.url, "s3", "eu-west-1"), org=ORG)
    probe = probe_trail_bucket(trail_extractor(moto, organization_id=ORG), PERIOD, today=date(2026, 9, 20))
    assert probe.ok and probe.empty == [] and "31 day(s) of 2026-10 still to come" in probe.notes
