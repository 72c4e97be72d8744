"""What the report draws, taken from the lake once the checks have run (the report itself queries nothing).

``cloudtrail_days``: CloudTrail records per day of the period per account and region (the account and region of
the log file's key, else of the record), so that a reader sees at a glance when and where the trail was quiet;
the delivery gaps the ``cloudtrail_delivery_gaps`` check found are drawn over it from that check's rows.

``models``: every model in production in the period, with its provenance and history (:mod:`.models`), for the
report's "Models in production" section (:mod:`.model_cards`).
"""

from __future__ import annotations

from .. import lake


def collect(con, period, params: dict | None = None) -> dict:
    """The figures' data for ``period`` from the lake on ``con`` (with the shared views made), under the policy
    ``params``; a table that is not in the lake gives no figure."""
    from .models import collect as production_models

    figures: dict = {"models": production_models(con, period, params)}
    if "cloudtrail_events" in lake.TABLES:
        rows = con.execute(
            """
            select coalesce(source_account_id, recipient_account_id, '?') as account,
                   coalesce(source_region, aws_region, '?') as region,
                   cast(event_time as date) as day, count(*) as n
            from cloudtrail_events
            where event_time >= ? and event_time < ?
            group by all order by account, region, day
            """,
            [period.start, period.end],
        ).fetchall()
        figures["cloudtrail_days"] = [(a, r, d.isoformat(), n) for a, r, d, n in rows]
    return figures


def delivery_gaps(result) -> list[tuple]:
    """(``account/region``, gap start, gap end) of the failing rows of the delivery-gaps check, if it ran."""
    out = []
    for cr in result.checks:
        if cr.check.id == "cloudtrail_delivery_gaps":
            out += [(str(r.get("resource")), r["gap_start"], r["gap_end"]) for r in cr.failing_rows
                    if r.get("gap_start") is not None and r.get("gap_end") is not None]  # fmt: skip
    return out


def trend_lines(result, trend) -> dict[str, tuple]:
    """Per check: (sparkline or None, a sentence) of its failing rows per run, from the trend's history."""
    from .charts import sparkline

    out = {}
    for cr in result.checks:
        now = cr.counts.get("fail", 0) if cr.status in ("pass", "fail", "info") else None
        points = trend.series(cr.check.id, now, f"{result.period.label} (this run)") if trend is not None else []
        if len(points) < 2:
            why = "no history_dir configured" if trend is None or "names no history_dir" in trend.note else \
                "no earlier run in the history"
            out[cr.check.id] = (None, f"First run, no trend ({why}).")
        else:
            words = ", ".join(f"{label.split(' (')[0]}: {'not run' if n is None else n}" for label, n in points)
            out[cr.check.id] = (sparkline(points, cr.check.id), f"Failing rows per run: {words}.")
    return out


def charts(result) -> dict:
    """The report's pictures (inline SVG), by name; a picture with nothing to draw is None."""
    from .charts import activity_heatmap, severity_bars
    from ..checks.model import SEVERITIES

    return {
        "severity": severity_bars(result.failing_by_severity(), SEVERITIES),
        "activity": activity_heatmap(result.figures.get("cloudtrail_days", []), result.period.start,
                                     result.period.end, delivery_gaps(result)),  # fmt: skip
    }
