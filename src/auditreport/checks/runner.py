"""Run one check in isolation and turn what it returned into a CheckResult.

The runner, not the SQL, decides two of the five check statuses:

* ``no_data``: a table the check requires comes from a source that is unavailable or not configured, or holds no
  rows (for event tables: no rows in the period). Missing evidence is never reported as a pass.
* ``error``: the SQL raised, or returned something outside the contract (no resource/status/reason column, a row
  status other than pass/fail/info). Only that check fails; the run goes on.

Otherwise: any ``fail`` row makes the check ``fail``; rows that are all ``info`` make it ``info``; anything else,
including no rows at all with the data present, is ``pass``.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timezone

from .. import lake
from .catalogue import PERIOD_PARAMS, sql_parameters
from .model import ROW_STATUSES, Check, CheckResult

REQUIRED_COLUMNS = ("resource", "status", "reason")


def naive_utc(value, name: str = "value") -> datetime:
    """A datetime (or ISO string, or date) as naive UTC, the lake's convention."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")


def period_label(start: datetime | None, end: datetime | None) -> str:
    """'2026-10' for a calendar month, else 'start to end'."""
    if start is None or end is None:
        return "the period"
    nxt = datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
    if start == datetime(start.year, start.month, 1) and end == nxt:
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def _one_line(e: BaseException) -> str:
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    return f"{type(e).__name__}: {lines[0] if lines else '(no message)'}"


def missing_data(con, check: Check, unavailable: dict[str, str], start: datetime | None, end: datetime | None) -> str:
    """Why the check cannot be evaluated (empty string: it can)."""
    reasons = [unavailable[t] for t in check.requires if t in unavailable]
    if reasons:
        return "; ".join(dict.fromkeys(reasons))
    for name in check.requires:
        tcol = lake.TABLES[name].time_column if name in lake.TABLES else None
        if tcol and start is not None and end is not None:
            row = con.execute(
                f'SELECT 1 FROM "{name}" WHERE "{tcol}" >= ? AND "{tcol}" < ? LIMIT 1', [start, end]
            ).fetchone()
            if row is None:
                return f"table {name} holds no rows for {period_label(start, end)}"
        elif con.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is None:
            return f"table {name} holds no rows"
    return ""


def bind_params(check: Check, params: dict, start: datetime | None, end: datetime | None) -> dict:
    """Only the parameters the SQL names: DuckDB rejects a statement given more."""
    values = dict(params)
    values.update({k: v for k, v in (("period_start", start), ("period_end", end)) if v is not None})
    bound = {}
    for name in sorted(sql_parameters(check.sql)):
        if name not in values or values[name] is None:
            raise ValueError(f"no value for parameter ${name}")
        v = values[name]
        if name in PERIOD_PARAMS:
            v = naive_utc(v, name)
        elif isinstance(v, (list, tuple, set, frozenset)):
            v = list(v)
        bound[name] = v
    return bound


def check_status(rows: list[dict]) -> str:
    statuses = {r["status"] for r in rows}
    if "fail" in statuses:
        return "fail"
    if rows and statuses == {"info"}:
        return "info"
    return "pass"


def run_check(
    con,
    check: Check,
    params: dict,
    unavailable: dict[str, str] | None = None,
    period_start=None,
    period_end=None,
) -> CheckResult:
    """Run ``check`` on ``con``, where every lake table exists (possibly empty). Never raises for a bad check."""
    t0 = time.perf_counter()

    def done(status: str, message: str = "", columns=None, rows=None) -> CheckResult:
        return CheckResult(check, status, list(columns or []), list(rows or []), message, time.perf_counter() - t0)

    try:
        start = period_start if period_start is not None else params.get("period_start")
        end = period_end if period_end is not None else params.get("period_end")
        start = naive_utc(start, "period_start") if start is not None else None
        end = naive_utc(end, "period_end") if end is not None else None
        why = missing_data(con, check, unavailable or {}, start, end)
        if why:
            return done("no_data", why)
        cur = con.execute(check.sql, bind_params(check, params, start, end))
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    except Exception as e:  # noqa: BLE001 - one bad check must not stop the run
        return done("error", _one_line(e))

    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return done("error", f"result lacks the column(s) {', '.join(missing)}", columns)
    bad = sorted({repr(r["status"]) for r in rows if r["status"] not in ROW_STATUSES})
    if bad:
        return done("error", f"row status {', '.join(bad)} is not one of pass, fail, info", columns)
    return done(check_status(rows), "", columns, rows)
