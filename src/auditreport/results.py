"""The result object a run returns. The CLI prints it; the report renders it; findings.json serialises it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .checks.model import SEVERITIES, CheckResult
from .period import Period

if TYPE_CHECKING:
    from .checks.catalogue import Catalogue
    from .privacy import Masker

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INCOMPLETE = 2
EXIT_CONFIG = 3
EXIT_CRASH = 4
EXIT_ENVIRONMENT = 5  # the machine refused: no space, no permission, output folder held by another run
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
EXIT_BROKEN_PIPE = 141  # stdout closed by its reader, as `| head` does (128 + SIGPIPE)


@dataclass
class InputFile:
    """One input the run read: a log object, an API snapshot file, an MLflow response."""

    source: str
    key: str  # path relative to the source root, or s3:// URI
    sha256: str
    size_bytes: int
    records: int | None = None  # records loaded from it, where that means something
    status: str = "loaded"  # loaded | quarantined | skipped (loaded by an earlier run) | changed


@dataclass
class SourceStatus:
    name: str  # cloudtrail, trails, sagemaker, cloudwatch, iam, s3, mlflow
    kind: str  # files | s3 | aws | rest | not_configured
    status: str  # ok | partial | unavailable | not_configured
    location: str = ""  # where it was read from, for the report
    detail: str = ""  # one line: why unavailable / partial
    objects_read: int = 0
    objects_loaded: int = 0
    objects_quarantined: int = 0
    objects_skipped: int = 0  # already loaded by an earlier run of the same period (incremental)
    records_loaded: int = 0
    records_quarantined: int = 0
    time_min: datetime | None = None  # coverage of the evidence it holds for the period
    time_max: datetime | None = None
    tables: list[str] = field(default_factory=list)
    days: DayCoverage | None = None  # for a source measured by day (CloudTrail): which days of the period hold evidence
    # CloudTrail: per trail (None: the single-bucket form), account and region: days_present, records, time_min/max
    scopes: list[dict] | None = None


@dataclass
class DayCoverage:
    """Days of the period with evidence from a source: a missing day is never a quiet one."""

    expected: int
    present: int
    missing: list[tuple[date, date]] = field(default_factory=list)  # runs of consecutive days without a record

    @property
    def missing_days(self) -> int:
        return sum((b - a).days + 1 for a, b in self.missing)

    def missing_text(self, limit: int = 4) -> str:
        """``2026-11-01 – 2026-12-31`` (runs of one day as that day), the first ``limit`` runs."""
        runs = [a.isoformat() if a == b else f"{a.isoformat()} – {b.isoformat()}" for a, b in self.missing]
        more = f" (+{len(runs) - limit} more)" if len(runs) > limit else ""
        return ", ".join(runs[:limit]) + more


@dataclass
class RunResult:
    run_id: str
    tool_version: str
    organisation: str
    period: Period
    config_path: str
    config_sha256: str
    started_at: datetime
    finished_at: datetime | None = None
    out_dir: Path | None = None
    sources: list[SourceStatus] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)  # rows of the quarantine table for this run
    table_counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    outputs: dict[str, Path] = field(default_factory=dict)  # report_pdf, report_html, findings_json, ...
    policy: dict = field(default_factory=dict)
    catalogue: Catalogue | None = None  # what the checks came from: their frameworks and shared views, for the report
    # inputs_sha256, findings_sha256, report_pdf_signature: set by the report before it renders (integrity.py)
    integrity: dict = field(default_factory=dict)
    retention: list[dict] = field(default_factory=list)  # what [retention] deleted: what, path, files, bytes
    # what ran the checks: {"name": "duckdb", "version": ...} or Spark's master, version and transpiler (engines/)
    engine: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)  # what the report draws, from the lake after the checks (report/figures.py)
    notifications: list[dict] = field(default_factory=list)  # [notify]: {"channel", "status", "detail"} each (notify.py)
    # [privacy]: the Masker every output went through (masking.mask_run), None when personal data is shown as recorded
    masker: Masker | None = field(default=None, repr=False)

    @property
    def privacy(self) -> dict | None:
        """What the report states about masking: mode, fields, patterns, the key's id (never the key)."""
        return self.masker.describe() if self.masker is not None else None

    @property
    def incomplete_reasons(self) -> list[str]:
        """Why the report cannot be called complete. Empty means complete."""
        reasons = []
        for s in self.sources:
            if s.status in ("unavailable", "partial"):
                reasons.append(f"source '{s.name}' {s.status}: {s.detail}")
        for c in self.checks:
            if c.status in ("error", "no_data"):
                reasons.append(f"check '{c.check.id}' {c.status}: {c.message}")
        return reasons

    @property
    def complete(self) -> bool:
        return not self.incomplete_reasons

    def status_counts(self) -> dict[str, int]:
        out = {s: 0 for s in ["pass", "fail", "error", "no_data", "info"]}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def failing_by_severity(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for c in self.checks:
            if c.status == "fail":
                out[c.check.severity] += 1
        return out

    def exit_code(self, fail_on: str | None = None) -> int:
        if not self.complete:
            return EXIT_INCOMPLETE
        if fail_on:
            threshold = SEVERITIES.index(fail_on)
            if any(c.status == "fail" and SEVERITIES.index(c.check.severity) <= threshold for c in self.checks):
                return EXIT_FINDINGS
        return EXIT_OK
