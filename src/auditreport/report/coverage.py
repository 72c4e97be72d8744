"""The report's table of CloudTrail coverage by trail: for each trail read (when the source reads several), each
account and region of its log files' keys, with the days of the period holding a record out of the period's days."""

from __future__ import annotations

from ..results import RunResult
from .values import display_text, human_utc


def trail_coverage(result: RunResult) -> dict | None:
    """``{"days": N, "rows": [...]}`` for the report, or None when CloudTrail was read from a single bucket."""
    ct = next((s for s in result.sources if s.name == "cloudtrail"), None)
    if ct is None or not ct.scopes or all(c["trail"] is None for c in ct.scopes):
        return None
    days = len(result.period.days())
    rows = [{"trail": display_text(c["trail"] or "(none)"), "account": display_text(c["account"] or "?"),
             "region": display_text(c["region"] or "?"), "days_present": c["days_present"],
             "complete": c["days_present"] == days, "records": c["records"],
             "first": human_utc(c["time_min"]).removesuffix(" UTC") or None,
             "last": human_utc(c["time_max"]).removesuffix(" UTC") or None} for c in ct.scopes]  # fmt: skip
    return {"days": days, "trails": len({c["trail"] for c in ct.scopes}), "rows": rows}
