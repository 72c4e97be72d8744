"""What a check is, and what running it produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ["critical", "high", "medium", "low", "info"]
ROW_STATUSES = {"pass", "fail", "info"}
CHECK_STATUSES = ["fail", "error", "no_data", "pass", "info"]  # report order


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: str
    kind: str  # posture | detection
    frameworks: dict[str, list[str]]
    requires: list[str]
    params: list[str]
    description: str
    remediation: str
    sql: str  # the whole file, header included: valid DuckDB SQL
    path: Path
    domain: str  # the folder under queries/


@dataclass
class CheckResult:
    check: Check
    status: str  # pass | fail | info | error | no_data
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    message: str = ""  # why error / no_data; empty otherwise
    duration_s: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "info": 0}
        for r in self.rows:
            out[r.get("status", "info")] = out.get(r.get("status", "info"), 0) + 1
        return out

    @property
    def failing_rows(self) -> list[dict]:
        return [r for r in self.rows if r.get("status") == "fail"]
