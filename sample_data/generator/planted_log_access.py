"""CloudTrail activity around the logs themselves (sample_data/README.md, keep in step): who reads the trail bucket's
log files, and who changes CloudWatch Logs retention.

P-LOG-READ: eve (data-platform-admin) reads three prod log files at night, without being an audit reader; the
clean counterpart is the weekly export by the ``security-audit`` role (``policy.audit_readers``). The prod trail
records read data events on its own bucket (``aws_snapshots``), the dev trail does not (P-LOG-READ-UNRECORDED).
P-LOG-RETENTION-CUT: eve sets the retention of ``/aws/sagemaker/Endpoints/legacy-recs`` to 30 days (the 30 days
P-RET-30 finds at capture); clean: 400 days on ``fraud-scoring-prod`` and a stream deleted in a non-ML group.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import timedelta

from .activity import cli_cmd
from .formats import T
from .org import EU, PROD, TRAIL, US

TRAIL_BUCKET = TRAIL[PROD]["bucket"]


class LogAccess:
    """Mixin of ``Month``: the log-access stories, each with its own seeded ``rng``."""

    def log_access(self):
        # Every record here is written at the instant of a record the month already holds in the same stream, so
        # that it joins a delivery that exists anyway: the log objects and every random draw of ``delivery`` stay
        # as they were without these stories (keys, gaps and digests in sample_data/README.md).
        self._instants = {r: sorted(w for a, reg, w, _ in self.events if a == PROD and reg == r) for r in (EU, US)}
        self._audit_exports()
        self._eve_reads_logs()
        self._eve_log_retention()

    def _at(self, region, want):
        """The first instant at or after ``want`` at which the month already has a record of PROD in ``region``."""
        times = self._instants[region]
        return times[bisect_left(times, want)]

    def _after(self, region, instant):
        """The next instant after ``instant`` at which the month already has a record of PROD in ``region``."""
        times = self._instants[region]
        return times[bisect_right(times, instant)]

    def _session(self, rng, person, role, start, **kw):
        """A story session whose AssumeRoleWithSAML (us-east-1) falls on an existing instant."""
        return self.story_session(rng, person, role, PROD, self._at(US, start), **kw)

    def _log_object(self, rng, sess, when, day: str):
        key = (f"AWSLogs/{PROD}/CloudTrail/{EU}/{day.replace('-', '/')}/{PROD}_CloudTrail_{EU}_"
               f"{day.replace('-', '')}T{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}Z_{rng.getrandbits(64):016X}.json.gz")
        rec = self.s3_object(rng, account=PROD, region=EU, when=when, identity=sess.identity, op="GetObject",
                             bucket=TRAIL_BUCKET, key=key, ip=sess.ip, ua=sess.ua("s3api.get-object"),
                             size=rng.randint(2_000, 60_000))
        self.protected.add(id(rec))

    def _audit_exports(self):
        """Clean: the security-audit role exports a few log files each Monday morning (an audit reader)."""
        rng = self.rng("log-access:audit")
        for monday in ("2026-10-05", "2026-10-19"):
            start = T(f"{monday}T07:30:00") + timedelta(seconds=rng.randint(0, 600))
            sess = self._session(rng, "audit-export", "security-audit", start, tool="cli", ip="198.51.100.24")
            t = self._at(EU, start + timedelta(minutes=2))
            for back in (1, 2, 3):
                day = (T(f"{monday}T00:00:00") - timedelta(days=back)).strftime("%Y-%m-%d")
                self._log_object(rng, sess, t, day)
                t = self._after(EU, t)

    def _eve_reads_logs(self):
        """P-LOG-READ: three prod log files read by data-platform-admin/eve on 2026-10-16 at night."""
        rng = self.rng("log-access:eve-read")
        start = T("2026-10-16T21:09:12")
        sess = self._session(rng, "eve", "data-platform-admin", start, tool="cli", ip="203.0.113.41")
        t = self._at(EU, T("2026-10-16T21:12:40"))
        for day in ("2026-10-12", "2026-10-13", "2026-10-14"):
            self._log_object(rng, sess, t, day)
            t = self._after(EU, t)

    def _eve_log_retention(self):
        """P-LOG-RETENTION-CUT and its clean counterparts, on 2026-10-14."""
        rng = self.rng("log-access:retention")
        start = T("2026-10-14T10:15:31")
        sess = self._session(rng, "eve", "data-platform-admin", start, tool="cli", ip="198.51.100.71")
        calls = [
            ("PutRetentionPolicy", {"logGroupName": "/aws/sagemaker/Endpoints/legacy-recs", "retentionInDays": 30}),
            ("PutRetentionPolicy", {"logGroupName": "/aws/sagemaker/Endpoints/fraud-scoring-prod",
                                    "retentionInDays": 400}),
            ("DeleteLogStream", {"logGroupName": "/aws/lambda/nightly-export",
                                 "logStreamName": "2026/09/30/[$LATEST]0f3c9a1b"}),
        ]
        t = self._at(EU, T("2026-10-14T10:21:07"))
        for name, params in calls:
            self.synthetic(rng, account=PROD, region=EU, when=t, identity=sess.identity,
                           source="logs.amazonaws.com", name=name, params=params, read_only=False, ip=sess.ip,
                           ua=sess.ua(cli_cmd("logs", name)), protect=True)
            t = self._after(EU, t)
