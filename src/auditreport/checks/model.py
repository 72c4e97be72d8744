"""What a check and a shared view are, and what running a check produced."""

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
    requires: list[str]  # as the header names them: lake tables and shared views
    params: list[str]
    description: str
    remediation: str
    sql: str  # the whole file, header included: valid DuckDB SQL
    path: Path
    domain: str  # the folder under queries/
    lake_tables: list[str]  # ``requires`` with every view replaced by the lake tables it reads: what no_data tests
    origin: str = "built-in"  # or "user": a check of the configuration's checks_dir
    load_error: str = ""  # a user check that could not be loaded: why, naming file and line; it runs as ``error``


@dataclass(frozen=True)
class View:
    """A derivation several checks share, created as a DuckDB view: ``queries/_views/<id>.sql``."""

    id: str
    description: str
    requires: list[str]  # lake tables and other views it reads
    sql: str  # the whole file, header included
    body: str  # the SELECT after the header
    path: Path
    lake_tables: list[str]  # the lake tables it reads, directly or through other views
    materialize: bool = False  # computed once per run (a small result many checks read), not at every read

    def create_sql(self, materialize: bool = False) -> str:
        """A view; a table holding its rows when ``materialize`` is asked and the view allows it (a table of the
        database, not a temporary one: the run's checks read it from several cursors, and a temporary table is seen
        by its own connection only)."""
        kind = "TABLE" if materialize and self.materialize else "VIEW"
        return f'CREATE OR REPLACE {kind} "{self.id}" AS\n{self.body.strip().rstrip(";").strip()}\n'


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
