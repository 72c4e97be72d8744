"""Run one check in isolation and turn what it returned into a CheckResult.

The runner, not the SQL, decides two of the five check statuses:

* ``no_data``: a lake table the check reads (directly or through a shared view) comes from a source that is
  unavailable or not configured, or holds no rows (for event tables: no rows in the period). Missing evidence is
  never reported as a pass.
* ``error``: the SQL raised, or returned something outside the contract (no resource/status/reason column, a row
  status other than pass/fail/info). Only that check fails; the run goes on.

Otherwise: any ``fail`` row makes the check ``fail``; rows that are all ``info`` make it ``info``; anything else,
including no rows at all with the data present, is ``pass``.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .. import lake
from ..lake.connection import cursor
from ..period import Period
from .catalogue import PERIOD_PARAMS, sql_parameters
from .headers import sql_error_line
from .model import ROW_STATUSES, Check, CheckResult

REQUIRED_COLUMNS = ("resource", "status", "reason")


def _one_line(e: BaseException, check: Check | None = None) -> str:
    """The error's first line; for a DuckDB error that names a line of the check's SQL, the file and line first."""
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    text = f"{type(e).__name__}: {lines[0] if lines else '(no message)'}"
    line = sql_error_line(str(e)) if check is not None else None
    return f"{check.path}:{line}: {text}" if line else text


def missing_data(con, check: Check, unavailable: dict[str, str], period: Period | None,
                 empty: dict[str, str] | None = None) -> str:  # fmt: skip
    """Why the check cannot be evaluated (empty string: it can). ``empty`` caches, per lake table, why it holds no
    rows ("" when it holds some): a run asks once per table, not once per check that reads it."""
    reasons = [unavailable[t] for t in check.lake_tables if t in unavailable]
    if reasons:
        return "; ".join(dict.fromkeys(reasons))
    empty = {} if empty is None else empty
    for name in check.lake_tables:
        if name not in empty:
            empty[name] = _why_empty(con, name, period)
        if empty[name]:
            return empty[name]
    return ""


def _why_empty(con, name: str, period: Period | None) -> str:
    tcol = lake.TABLES[name].time_column
    if tcol and period is not None:
        row = con.execute(
            f'SELECT 1 FROM "{name}" WHERE "{tcol}" >= ? AND "{tcol}" < ? LIMIT 1', [period.start, period.end]
        ).fetchone()
        return f"table {name} holds no rows for {period.label}" if row is None else ""
    return f"table {name} holds no rows" if con.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is None else ""


def bind_params(check: Check, params: dict, period: Period | None) -> dict:
    """Only the parameters the SQL names (DuckDB rejects a statement given more); the period's bounds as
    ``$period_start`` and ``$period_end``."""
    values = {k: v for k, v in params.items() if k not in PERIOD_PARAMS}
    if period is not None:
        values.update(period_start=period.start, period_end=period.end)
    bound = {}
    for name in sorted(sql_parameters(check.sql)):
        if name not in values or values[name] is None:
            raise ValueError(f"no value for parameter ${name}")
        v = values[name]
        bound[name] = list(v) if isinstance(v, (list, tuple, set, frozenset)) else v
    return bound


def check_status(rows: list[dict]) -> str:
    statuses = {r["status"] for r in rows}
    if "fail" in statuses:
        return "fail"
    if rows and statuses == {"info"}:
        return "info"
    return "pass"


def run_check(
    con, check: Check, period: Period | None, params: dict, unavailable: dict[str, str] | None = None,
    empty: dict[str, str] | None = None,
) -> CheckResult:
    """Run ``check`` for ``period`` on ``con``, where every lake table and shared view exists (possibly empty).

    ``params`` are the policy values by name; ``unavailable`` maps a lake table to why its source could not be read.
    Never raises for a bad check."""
    t0 = time.perf_counter()

    def done(status: str, message: str = "", columns=None, rows=None) -> CheckResult:
        return CheckResult(check, status, list(columns or []), list(rows or []), message, time.perf_counter() - t0)

    if check.load_error:  # a check of the user's own that could not be loaded: it alone is an error
        return done("error", check.load_error)
    try:
        why = missing_data(con, check, unavailable or {}, period, empty)
        if why:
            return done("no_data", why)
        cur = con.execute(check.sql, bind_params(check, params, period))
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    except Exception as e:  # noqa: BLE001 - one bad check must not stop the run
        return done("error", _one_line(e, check))

    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return done("error", f"result lacks the column(s) {', '.join(missing)}", columns)
    bad = sorted({repr(r["status"]) for r in rows if r["status"] not in ROW_STATUSES})
    if bad:
        return done("error", f"row status {', '.join(bad)} is not one of pass, fail, info", columns)
    return done(check_status(rows), "", columns, rows)


def check_threads() -> int:
    """Checks run at once: one per core this process may use (``AUDITREPORT_CHECK_THREADS`` sets another number)."""
    env = os.environ.get("AUDITREPORT_CHECK_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def largest_first(checks: list[Check], table_rows: dict[str, int] | None) -> list[int]:
    """Positions of ``checks`` in the order to start them: those reading the most lake rows first (``table_rows``:
    lake table -> rows), the catalogue's order among equals. Side by side, the long checks then start at once and
    the many short ones fill the cores at the end, instead of a long check started last running on alone."""
    rows = table_rows or {}
    return sorted(range(len(checks)), key=lambda i: -sum(rows.get(t, 0) for t in checks[i].lake_tables))


def run_checks(con, checks: list[Check], period: Period | None, params: dict,
               unavailable: dict[str, str] | None = None, threads: int | None = None,
               table_rows: dict[str, int] | None = None) -> list[CheckResult]:  # fmt: skip
    """:func:`run_check` for every check, ``threads`` at once, each thread on a cursor of its own
    (:func:`~auditreport.lake.connection.cursor`: the same database, so it sees what ``con`` created outside
    temporary tables, in the same time zone). Started largest first (:func:`largest_first`, given the lake's
    ``table_rows``); the results come back in the catalogue's order.

    Why threads: on a month of evidence a check is a small query whose time goes to DuckDB binding, optimising and
    running it on one core (the sample month: about half of it planning); DuckDB releases the GIL meanwhile, so
    checks run side by side keep every core busy. The results are those of one check at a time, in the same order.
    A run asks once per lake table whether it holds rows for the period (shared by the threads)."""
    threads = threads or check_threads()
    empty: dict[str, str] = {}
    if threads <= 1 or len(checks) <= 1:
        return [run_check(con, c, period, params, unavailable, empty) for c in checks]
    cursors = [cursor(con) for _ in range(min(threads, len(checks)))]  # made here: ``con`` is used by this thread only
    free: queue.SimpleQueue = queue.SimpleQueue()
    for cur in cursors:
        free.put(cur)
    local = threading.local()

    def one(check: Check) -> CheckResult:
        if not hasattr(local, "cursor"):
            local.cursor = free.get_nowait()  # one per pool thread: there are as many cursors as threads
        return run_check(local.cursor, check, period, params, unavailable, empty)

    order = largest_first(checks, table_rows)
    pool = ThreadPoolExecutor(len(cursors), thread_name_prefix="auditreport-check")
    try:
        started = list(pool.map(one, [checks[i] for i in order]))
        results: list[CheckResult] = [None] * len(checks)  # type: ignore[list-item]
        for i, result in zip(order, started):
            results[i] = result
        return results
    except BaseException:  # Ctrl-C: stop the checks that are running, start no other
        for cur in cursors:
            cur.interrupt()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for cur in cursors:
            cur.close()
