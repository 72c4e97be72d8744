"""TrailsExtractor against a real (moto) server: DescribeTrails per region as AWS returns it (shadow trails
included), GetTrailStatus and GetEventSelectors asked once per trail, by ARN, in its home region."""

from __future__ import annotations

from datetime import datetime

from live_seed import ACCOUNTS, REGIONS, extractor, make_ctx, multi_account_config, read_json, seed_trails
from servers import moto_client

def test_trails_keep_shadow_trails_and_read_status_and_selectors_in_the_home_region(moto, tmp_path, aws_calls):
    moto_client(moto.url, "s3", account=ACCOUNTS[0]).create_bucket(
        Bucket="org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for a in ACCOUNTS:
        seed_trails({r: moto_client(moto.url, "cloudtrail", r, a) for r in REGIONS}, a)
    cfg, ctx = multi_account_config(moto.url, {"trails": {"kind": "aws"}}), make_ctx(tmp_path / "raw")
    with aws_calls.recording():
        out = extractor(cfg, "trails").extract(ctx)
    # moto does not implement ListPublicKeys (it answers HTTP 500): each scope names it in one error line and the
    # rest of the scope is captured; what the keys become is proven from files (tests/load/test_cloudtrail_signatures.py)
    assert sorted(out.errors) == sorted(f"public keys: account {a} region {r} ListPublicKeys: 500: Internal Server Error"
                                        for a in ACCOUNTS for r in REGIONS)
    assert out.root == tmp_path / "raw" / "trails" and out.kind == "aws"
    assert not list(out.root.rglob("ListPublicKeys.json"))  # a failed call writes no file: not captured, not empty
    for a in ACCOUNTS:
        eu = read_json(out.root / a / "eu-west-1" / "cloudtrail" / "DescribeTrails.json")
        us = read_json(out.root / a / "us-east-1" / "cloudtrail" / "DescribeTrails.json")
        assert [t["Name"] for t in eu["trailList"]] == ["org-trail"]
        # the multi-region trail shows in us-east-1 as a shadow trail (HomeRegion eu-west-1): kept as AWS returns it
        assert sorted(t["Name"] for t in us["trailList"]) == ["local-trail", "org-trail"]
        for region in REGIONS:
            d = out.root / a / region / "cloudtrail"
            assert read_json(d / "GetTrailStatus" / "org-trail.json")["IsLogging"] is True
            sel = read_json(d / "GetEventSelectors" / "org-trail.json")
            assert sel["TrailARN"] == f"arn:aws:cloudtrail:eu-west-1:{a}:trail/org-trail"
            assert sel["AdvancedEventSelectors"][0]["Name"] == "management"
        local = read_json(out.root / a / "us-east-1" / "cloudtrail" / "GetEventSelectors" / "local-trail.json")
        assert local["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
        assert read_json(out.root / a / "us-east-1" / "cloudtrail" / "GetTrailStatus" / "local-trail.json")[
            "IsLogging"] is False
    # selectors of a trail are asked by ARN, in its home region, once per account
    sel_calls = aws_calls.of("GetEventSelectors")
    assert {(c[2], c[3]["TrailName"].rsplit(":", 2)[1]) for c in sel_calls} == {
        ("eu-west-1", a) for a in ACCOUNTS} | {("us-east-1", a) for a in ACCOUNTS}
    assert all(c[3]["TrailName"].startswith("arn:aws:cloudtrail:") for c in sel_calls)
    assert len(sel_calls) == 2 * len(ACCOUNTS)
    capture = read_json(out.root / "_capture.json")
    datetime.fromisoformat(capture["captured_at"])
    assert len(capture["scopes"]) == 4 and all(s["captured"] for s in capture["scopes"])
