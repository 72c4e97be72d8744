"""The one order every output uses: checks by status then severity, rows failing first.

The HTML/PDF evidence tables, ``evidence/<check>.csv`` and ``findings.json`` list rows in the same order, so the row
number ``#`` in the report is the data row number in the CSV and ``rows[# - 1]`` in the JSON.
"""

from __future__ import annotations

import re

from ..checks.model import SEVERITIES, CheckResult

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
STATUS_RANK = {"fail": 0, "error": 1, "no_data": 2, "info": 3, "pass": 4, "not_assessed": 5}  # worst first


def status_rank(status: str) -> int:
    return STATUS_RANK.get(status, len(STATUS_RANK))


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def report_order(checks: list[CheckResult]) -> list[CheckResult]:
    """Fail by severity, then error, no_data, info, and pass last; severity, then id, within each status."""
    return sorted(checks, key=lambda c: (status_rank(c.status), severity_rank(c.check.severity), c.check.id))


def ordered_rows(result: CheckResult) -> list[dict]:
    """Failing rows first; otherwise the order the check returned (stable)."""
    return sorted(result.rows, key=lambda r: 0 if r.get("status") == "fail" else 1)


def columns_of(result: CheckResult) -> list[str]:
    """The check's columns, plus any key a row has that the column list lacks (never drop evidence)."""
    cols = list(result.columns)
    seen = set(cols)
    for row in result.rows:
        for key in row:
            if key not in seen:
                seen.add(key)
                cols.append(key)
    return cols


def evidence_filename(check_id: str) -> str:
    """``<check_id>.csv``; refuses ids that could leave the evidence directory."""
    if not _SAFE_ID.match(check_id):
        raise ValueError(f"check id {check_id!r} cannot name an evidence file")
    return f"{check_id}.csv"
