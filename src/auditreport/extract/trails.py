"""Trail settings: DescribeTrails, GetTrailStatus and GetEventSelectors (source ``trails``)."""

from __future__ import annotations

import threading

from .aws_session import AWS_ERRORS, ScopeError, error_line
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun


class TrailsExtractor(AwsSnapshotExtractor):
    """DescribeTrails per region (shadow trails of multi-region and organisation trails included, as AWS returns
    them); GetTrailStatus and GetEventSelectors per trail, asked by TrailARN in the trail's HomeRegion (the only
    place event selectors can be read), written beside each region's DescribeTrails under the trail's name."""

    name = "trails"
    service = "cloudtrail"

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        ct = run.sessions.client("cloudtrail", account, region)
        resp = ct.describe_trails(includeShadowTrails=True)
        run.write(account, region, "cloudtrail", "DescribeTrails", resp)
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
    def _once(run: SnapshotRun, key, fetch):
        """A trail seen in N regions is asked about once per account (scopes run in parallel: one lock per key)."""
        with run.lock:
            cache = run.shared.setdefault("cache", {})
            key_lock = run.shared.setdefault("locks", {}).setdefault(key, threading.Lock())
        with key_lock:
            if key not in cache:
                cache[key] = fetch()
            return cache[key]
