"""CloudWatch Logs: log groups of the ML prefixes and events of configured groups (source ``cloudwatch``)."""

from __future__ import annotations

from datetime import datetime, timezone

from .aws_session import AWS_ERRORS, error_code, error_line
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun, paginate
from .probe import Probe


class CloudWatchExtractor(AwsSnapshotExtractor):
    """DescribeLogGroups for every prefix of ``log_group_prefixes`` (its source record puts
    policy.ml_log_group_prefixes there, since the checks judge those groups), one merged response per region; FilterLogEvents of each configured
    event_log_groups over the period, [start, end) in epoch milliseconds, every page."""

    name = "cloudwatch"
    service = "logs"
    probe_call = Probe("logs", "DescribeLogGroups", {"limit": 1})

    def prepare(self, run: SnapshotRun) -> None:
        run.shared["found"] = set()

    def prefixes(self, run: SnapshotRun) -> list[str]:
        """The prefixes to list (the source record adds policy.ml_log_group_prefixes); ``""`` lists every group."""
        out = list(dict.fromkeys(run.settings.log_group_prefixes or []))
        return [""] if "" in out else out

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        logs = run.sessions.client("logs", account, region)
        groups: dict[str, dict] = {}
        for prefix in self.prefixes(run):
            params = {"logGroupNamePrefix": prefix} if prefix else {}
            for page in paginate(logs, "describe_log_groups", **params):
                for g in page.get("logGroups", []):
                    groups.setdefault(g["logGroupName"], g)
        run.write(account, region, "logs", "DescribeLogGroups", {"logGroups": [groups[k] for k in sorted(groups)]})

        start_ms = _epoch_ms(run.ctx.period.start)
        end_ms = _epoch_ms(run.ctx.period.end) - 1  # FilterLogEvents' endTime is inclusive; the period is not
        for name in run.settings.event_log_groups:
            events: list[dict] = []
            try:
                for page in paginate(logs, "filter_log_events", logGroupName=name, startTime=start_ms, endTime=end_ms):
                    events += page.get("events", [])
            except AWS_ERRORS as e:
                if error_code(e) == "ResourceNotFoundException":
                    continue  # not in this account/region; finish() reports a group found nowhere
                notes.append(f"log group {name}: " + error_line(e, account, region, "FilterLogEvents"))
                continue
            with run.lock:
                run.shared["found"].add(name)
            run.write(account, region, "logs", "FilterLogEvents", {"events": events}, ident=name)

    def finish(self, run: SnapshotRun) -> list[str]:
        return [f"log group {name} (sources.cloudwatch.event_log_groups) exists in none of the accounts and regions"
                for name in run.settings.event_log_groups if name not in run.shared["found"]]


def _epoch_ms(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=timezone.utc).timestamp() * 1000)
