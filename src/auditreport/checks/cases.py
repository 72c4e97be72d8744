"""The test cases of a check in ``queries/<domain>/<check_id>.yaml`` (see docs/architecture.md).

Case file format::

    cases:
      - name: short name, unique in the file
        description: optional, why this case matters
        period: 2026-09                                   # the month the check runs for; default 2026-10
        params: {min_log_retention_days: 90}              # overrides of the policy defaults
        unavailable: {sagemaker_deployments: "source 'sagemaker' not configured"}  # optional
        tables:
          cloudwatch_log_groups: [{account_id: "111122223333", log_group_name: /aws/sagemaker/x}]
          cloudtrail_records: [{eventVersion: "1.09", eventTime: "2026-10-03T09:14:00Z", ...}]   # raw, via the loader
        expect:            # rows, as a multiset, on the columns given; a key ending in '~' matches a substring
          - {resource: ..., status: fail, reason~: "below the required 365"}
        expect_status: fail
        expect_message: "holds no rows"      # optional: a substring of the no_data / error message

In ``tables:`` a missing column is NULL. A JSON column takes a YAML mapping or list (written with json.dumps) or a
string, which is JSON text as stored (so a JSON string value is written '"s3:*"').
YAML timestamps are read as strings (CloudTrail records must reach the loader as AWS wrote them); TIMESTAMP columns
are parsed here, and expected values are compared to timestamps after parsing.

Every case runs on a fresh lake with the catalogue's shared views created on it, as a run creates them, so each case
exercises the views its check reads too. The test suite runs every built-in check's cases through :func:`run_case`;
``auditreport checks test [PATH]`` runs them for checks of the user's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from .. import lake
from ..config import Policy
from ..errors import CheckDefinitionError, ConfigError
from ..period import Period
from .catalogue import Catalogue
from .model import Check
from .runner import run_check

DEFAULT_PERIOD = Period(2026, 10)
RAW_CLOUDTRAIL = "cloudtrail_records"
CASE_KEYS = {"name", "description", "period", "params", "tables", "expect", "expect_status", "expect_message",
             "unavailable"}
CHECK_STATUSES = {"pass", "fail", "info", "error", "no_data"}


class _NoTimestampLoader(yaml.SafeLoader):
    pass


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def case_path(check) -> Path:
    return Path(check.path).with_suffix(".yaml")


def load_cases(path: Path) -> list[dict]:
    """Read and structurally validate a case file; CheckDefinitionError names the file and the case at fault."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoTimestampLoader)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError) as e:
        raise CheckDefinitionError(f"{path}: cannot read the case file: {e}", path=path) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)  # where the bad construct begins
        line = mark.line + 1 if mark is not None else None
        raise CheckDefinitionError(f"{path}{f':{line}' if line else ''}: not valid YAML: {str(e).splitlines()[0]}",
                                   path=path, line=line) from None  # fmt: skip

    def need(ok, where: str, msg: str) -> None:
        if not ok:
            raise CheckDefinitionError(f"{where}: {msg}", path=path)

    need(isinstance(data, dict) and isinstance(data.get("cases"), list) and data["cases"], str(path), "no 'cases:' list")
    need(set(data) == {"cases"}, str(path), f"unknown top-level keys {sorted(set(data) - {'cases'})}")
    names = set()
    for i, case in enumerate(data["cases"]):
        where = f"{path}: case {case.get('name', i) if isinstance(case, dict) else i}"
        need(isinstance(case, dict) and isinstance(case.get("name"), str), where, "a case needs a name")
        need(case["name"] not in names, where, "duplicate case name")
        names.add(case["name"])
        need(not set(case) - CASE_KEYS, where, f"unknown keys {sorted(set(case) - CASE_KEYS)}")
        need("expect" in case or "expect_status" in case, where, "needs expect or expect_status")
        need(case.get("expect_status", "pass") in CHECK_STATUSES, where, "bad expect_status")
        need(isinstance(case.get("expect", []), list), where, "expect must be a list of rows")
        need(isinstance(case.get("tables") or {}, dict), where, "tables must be a mapping of table name to rows")
        for t, rows in (case.get("tables") or {}).items():
            need(t == RAW_CLOUDTRAIL or t in lake.TABLES, where, f"unknown table '{t}'")
            need(isinstance(rows, list), where, f"tables.{t} must be a list of rows")
            if t != RAW_CLOUDTRAIL:
                known = {c for c, _ in lake.TABLES[t].all_columns}
                for row in rows:
                    need(isinstance(row, dict), where, f"tables.{t}: a row must be a mapping of column to value")
                    unknown = set(row) - known
                    need(not unknown, where, f"tables.{t}: unknown column(s) {sorted(unknown)}")
        for p in case.get("params") or {}:
            need(p in Policy.model_fields, where, f"unknown param '{p}' (the period is 'period: YYYY-MM')")
        if "period" in case:
            try:
                Period.parse(str(case["period"]))
            except ConfigError as e:
                need(False, where, f"period: {e}")
    return data["cases"]


def new_lake(catalogue: Catalogue | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with every lake table, empty, and the catalogue's shared views over them."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # the lake is naive UTC; never let the machine's zone leak into casts
    for t in lake.TABLES.values():
        con.execute(t.ddl())
    if catalogue is not None:
        catalogue.create_views(con)
    return con


def to_naive_utc(value) -> datetime:
    """A datetime, date or ISO string as naive UTC, the lake's convention."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"a timestamp must be a datetime or ISO string, not {type(value).__name__}")


def _cell(value, col_type: str):
    if value is None:
        return None
    if col_type == "JSON":
        return value if isinstance(value, str) else json.dumps(value)
    if col_type == "TIMESTAMP":
        return to_naive_utc(value)
    return value


def insert_case_tables(con, tables: dict) -> None:
    for name, rows in (tables or {}).items():
        if not rows:
            continue
        if name == RAW_CLOUDTRAIL:
            from ..load.cloudtrail import load_records_into

            loaded = load_records_into(con, rows)
            if loaded != len(rows):
                raise ValueError(f"the CloudTrail loader loaded {loaded} of {len(rows)} records")
            continue
        types = dict(lake.TABLES[name].all_columns)
        cols = sorted({c for row in rows for c in row})
        sql = f'INSERT INTO "{name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) VALUES ({", ".join("?" * len(cols))})'
        con.executemany(sql, [[_cell(row.get(c), types[c]) for c in cols] for row in rows])


def case_params(case: dict) -> tuple[Period, dict]:
    """The case's month (default 2026-10) and the policy defaults overridden by the case."""
    period = Period.parse(str(case["period"])) if "period" in case else DEFAULT_PERIOD
    params = Policy().model_dump()
    params.update(case.get("params") or {})
    Policy.model_validate(params)  # a case must not use an invalid policy value
    return period, params


def _same(actual, expected, substring: bool = False) -> bool:
    if substring:
        return actual is not None and str(expected) in str(actual)
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(actual, datetime) and isinstance(expected, (str, date)):
        return actual == to_naive_utc(expected)
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, (int, float, Decimal)) and isinstance(expected, (int, float)):
        return abs(float(actual) - float(expected)) < 1e-6
    if isinstance(actual, (list, tuple)) and isinstance(expected, list):
        return len(actual) == len(expected) and all(_same(a, e) for a, e in zip(actual, expected))
    if isinstance(actual, str) and isinstance(expected, (dict, list)):
        try:
            return json.loads(actual) == expected
        except ValueError:
            return False
    if isinstance(actual, str) and isinstance(expected, (int, float)):
        return actual == str(expected)
    return actual == expected


def row_matches(actual: dict, expected: dict) -> bool:
    for key, value in expected.items():
        col, substring = (key[:-1], True) if key.endswith("~") else (key, False)
        if col not in actual or not _same(actual[col], value, substring):
            return False
    return True


def match_rows(actual: list[dict], expected: list[dict]) -> str | None:
    """None when every expected row matches a distinct actual row and no actual row is left; else a description."""
    owner: dict[int, int] = {}  # actual index -> expected index

    def place(e: int, seen: set) -> bool:
        for a, row in enumerate(actual):
            if a not in seen and row_matches(row, expected[e]):
                seen.add(a)
                if a not in owner or place(owner[a], seen):
                    owner[a] = e
                    return True
        return False

    unmatched = [expected[e] for e in range(len(expected)) if not place(e, set())]
    extra = [actual[a] for a in range(len(actual)) if a not in owner]
    if not unmatched and not extra:
        return None
    cols = sorted({k.rstrip("~") for e in expected for k in e} | {"resource", "status", "reason"})
    show = lambda rows: "\n".join(f"    {json.dumps(r, default=str)}" for r in rows) or "    (none)"
    return (
        f"expected {len(expected)} row(s), got {len(actual)}\n"
        f"  expected rows not found:\n{show(unmatched)}\n"
        f"  actual rows not expected (columns {', '.join(cols)}):\n"
        f"{show([{c: r.get(c) for c in cols} for r in extra])}"
    )


@dataclass
class CaseOutcome:
    """What running one case found: ``problems`` is empty when the check did what the case expects."""

    check: Check
    name: str
    status: str  # the check's status on the case's tables
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def run_case(catalogue: Catalogue, check: Check, case: dict) -> CaseOutcome:
    """Run one case of ``check`` on a fresh lake holding the case's tables, and compare with what it expects."""
    con = new_lake(catalogue)
    try:
        insert_case_tables(con, case.get("tables") or {})
        period, params = case_params(case)
        result = run_check(con, check, period, params, case.get("unavailable"))
    except (ValueError, TypeError, duckdb.Error) as e:  # the case's own tables or params are wrong
        return CaseOutcome(check, case["name"], "error", [f"the case's input is not valid: {e}"])
    finally:
        con.close()
    problems: list[str] = []
    expected_status = case.get("expect_status")
    if result.status == "error" and expected_status != "error":
        problems.append(f"the check raised: {result.message}")
    for row in result.rows:
        if row.get("resource") is None:
            problems.append(f"a row has no resource: {row}")
        if not (isinstance(row.get("reason"), str) and row["reason"].strip()):
            problems.append(f"a row has no reason: {row}")
    if "expect_message" in case and case["expect_message"] not in result.message:
        problems.append(f"message {result.message!r} does not contain {case['expect_message']!r}")
    if "expect" in case and result.status != "error":
        problem = match_rows(result.rows, case["expect"])
        if problem:
            problems.append(problem)
    if expected_status and result.status != expected_status:
        problems.append(f"status {result.status}, expected {expected_status}"
                        + (f" ({result.message})" if result.message else ""))  # fmt: skip
    return CaseOutcome(check, case["name"], result.status, problems)


def run_all_cases(catalogue: Catalogue, checks: list[Check]) -> list[CaseOutcome]:
    """Every case of every check in ``checks``; a check that could not be loaded, has no case file or a broken one
    is one outcome naming the problem (never a silent pass)."""
    out: list[CaseOutcome] = []
    for check in checks:
        if check.load_error:
            out.append(CaseOutcome(check, "(loading the check)", "error", [check.load_error]))
            continue
        path = case_path(check)
        if not path.exists():
            out.append(CaseOutcome(check, "(no cases)", "error", [f"no case file: write {path} (at least one "
                                                                   "failing and one passing case)"]))  # fmt: skip
            continue
        try:
            cases = load_cases(path)
        except CheckDefinitionError as e:
            out.append(CaseOutcome(check, "(reading the cases)", "error", [str(e)]))
            continue
        out += [run_case(catalogue, check, case) for case in cases]
    return out
