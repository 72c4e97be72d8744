"""The loader of the ``cloudtrail`` source: log objects through the streaming loader (:mod:`.cloudtrail`), digest
files into ``cloudtrail_digests`` and ``cloudtrail_digest_log_files``, and the source's coverage of the period."""

from __future__ import annotations

from ..lake.writer import replace_period_files, write_quarantine
from ..period import Period
from ..raw import RawEvidence
from ..results import InputFile
from .base import Coverage, LoadContext, LoadResult, period_span, quarantine_rows
from .cloudtrail import CloudTrailLoader
from .cloudtrail_digests import read_digests

DIGEST_SOURCE = "cloudtrail_digest"  # the source name digest inputs and their quarantine rows carry


class CloudTrailSourceLoader:
    source = "cloudtrail"

    def already_loaded(self, ctx: LoadContext) -> dict[str, str]:
        """key -> ETag of every object an earlier run committed: the extractor downloads none of them again."""
        if not ctx.lake_root.exists():
            return {}
        return CloudTrailLoader(ctx.con, ctx.lake_root, ctx.run_id).already_loaded()

    def load(self, raw: RawEvidence, ctx: LoadContext) -> LoadResult:
        stats = CloudTrailLoader(ctx.con, ctx.lake_root, ctx.run_id, self.source).load(raw.objects, ctx.progress)
        result = LoadResult(
            source=self.source, objects_read=stats.objects_read, objects_loaded=stats.objects_loaded,
            objects_quarantined=stats.objects_quarantined + stats.objects_changed,
            objects_skipped=stats.objects_skipped,
            inputs=stats.inputs,
        )  # fmt: skip
        if stats.objects_changed:
            result.detail = f"{stats.objects_changed} object(s) changed since an earlier run loaded them"
        result.inputs += load_digests(ctx, raw.objects)
        return result

    def coverage(self, con, period: Period, loaded: LoadResult) -> Coverage:
        """Events of the period in the lake (earlier runs' included); quarantine rows of this period's objects."""
        rows, first, last = period_span(con, "cloudtrail_events", "event_time", period)
        keys = [i.key for i in loaded.inputs if i.source == self.source]  # DuckDB converts the list itself
        con.execute("CREATE OR REPLACE TEMP TABLE _period_keys AS SELECT unnest(?::VARCHAR[]) AS k", [keys])
        in_period = f"source = '{self.source}' AND object_key IN (SELECT k FROM _period_keys)"
        records_quarantined = con.execute(
            f"SELECT count(*) FROM quarantine WHERE {in_period} AND record_index IS NOT NULL").fetchone()[0]
        days = con.execute("SELECT DISTINCT CAST(event_time AS DATE) FROM cloudtrail_events "
                           "WHERE event_time >= ? AND event_time < ?", [period.start, period.end]).fetchall()
        return Coverage(
            records_loaded=rows, records_quarantined=records_quarantined, time_min=first, time_max=last,
            quarantine=quarantine_rows(con, f"({in_period}) OR source = '{DIGEST_SOURCE}'"),
            days_present=[d for (d,) in days], scopes=trail_scopes(con, period),
        )  # fmt: skip


def load_digests(ctx: LoadContext, objects) -> list[InputFile]:
    """The digest files among ``objects`` into ``cloudtrail_digests`` and ``cloudtrail_digest_log_files`` (the
    period's files replaced) and their quarantine; returns their inputs. Also used by the Spark ingest, whose
    driver reads the digests (a few per account, region and day) while the cluster reads the log objects."""
    digest_objects = sorted((o for o in objects if o.kind == "digest"), key=lambda o: o.key)  # same order
    digests = read_digests(digest_objects, ctx.run_id)
    replace_period_files(ctx.con, ctx.lake_root, "cloudtrail_digests", digests.digests, ctx.period.label)
    replace_period_files(ctx.con, ctx.lake_root, "cloudtrail_digest_log_files", digests.log_files, ctx.period.label)
    write_quarantine(ctx.con, ctx.lake_root, f"snapshot-{DIGEST_SOURCE}", digests.quarantine)
    return [InputFile(source=DIGEST_SOURCE, **i) for i in digests.inputs]


def trail_scopes(con, period: Period) -> list[dict]:
    """Per trail (None: the single-bucket form), account and region of the log file's key: the days of the period
    with a record, the records, the first and last record."""
    cur = con.execute(
        "SELECT source_trail AS trail, coalesce(source_account_id, recipient_account_id) AS account, "
        "coalesce(source_region, aws_region) AS region, count(DISTINCT CAST(event_time AS DATE)) AS days_present, "
        "count(*) AS records, min(event_time) AS time_min, max(event_time) AS time_max FROM cloudtrail_events "
        "WHERE event_time >= ? AND event_time < ? GROUP BY ALL ORDER BY trail NULLS FIRST, account, region",
        [period.start, period.end])  # fmt: skip
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
