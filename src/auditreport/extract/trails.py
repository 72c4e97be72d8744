"""Trail settings: DescribeTrails, GetTrailStatus and GetEventSelectors, and CloudTrail's public keys
(ListPublicKeys), which verify digest signatures (source ``trails``)."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta

from .aws_session import AWS_ERRORS, ScopeError, error_line
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun
from .probe import Probe


class TrailsExtractor(AwsSnapshotExtractor):
    """DescribeTrails per region (shadow trails of multi-region and organisation trails included, as AWS returns
    them); GetTrailStatus and GetEventSelectors per trail, asked by TrailARN in the trail's HomeRegion (the only
    place event selectors can be read), written beside each region's DescribeTrails under the trail's name."""

    name = "trails"
    service = "cloudtrail"
    probe_call = Probe("cloudtrail", "DescribeTrails", {"includeShadowTrails": False})

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        ct = run.sessions.client("cloudtrail", account, region)
        resp = ct.describe_trails(includeShadowTrails=True)
        run.write(account, region, "cloudtrail", "DescribeTrails", resp)
        try:
            run.write(account, region, "cloudtrail", "ListPublicKeys", self.public_keys(ct, run))
        except AWS_ERRORS as e:
            notes.append("public keys: " + error_line(e, account, region, "ListPublicKeys"))
        for trail in resp.get("trailList", []):
            arn, name = trail["TrailARN"], trail["Name"]
            home = trail.get("HomeRegion") or region
            for operation, call in (
                ("GetTrailStatus", lambda c: c.get_trail_status(Name=arn)),
                ("GetEventSelectors", lambda c: c.get_event_selectors(TrailName=arn)),
            ):
                try:
                    body = self._once(run, (account, operation, arn), lambda: call(
                        run.sessions.client("cloudtrail", account, home)))
                except (ScopeError, *AWS_ERRORS) as e:
                    notes.append(f"trail {arn}: " + error_line(e, account, home, operation))
                    continue
                run.write(account, region, "cloudtrail", operation, body, ident=name)

    @staticmethod
    def public_keys(ct, run: SnapshotRun) -> dict:
        """ListPublicKeys over the period, one day either side (the digests read), all pages. CloudTrail signs each
        region's digests with keys of that region, so each region is asked. ``Value`` (DER bytes to boto3) is
        written as base64 text: JSON holds no bytes."""
        period = run.ctx.period
        params = {"StartTime": period.start - timedelta(days=1), "EndTime": period.end + timedelta(days=1)}
        keys = []
        while True:
            page = ct.list_public_keys(**params)
            keys += [{**k, "Value": base64.b64encode(k.get("Value") or b"").decode()}
                     for k in page.get("PublicKeyList", [])]
            if not page.get("NextToken"):
                return {"PublicKeyList": keys}
            params["NextToken"] = page["NextToken"]

    @staticmethod
    def _once(run: SnapshotRun, key, fetch):
        """A trail seen in N regions is asked about once per account (scopes run in parallel: one lock per key)."""
        with run.lock:
            cache = run.shared.setdefault("cache", {})
            key_lock = run.shared.setdefault("locks", {}).setdefault(key, threading.Lock())
        with key_lock:
            if key not in cache:
                cache[key] = fetch()
            return cache[key]
