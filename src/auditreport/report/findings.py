"""``findings.json``: the whole result, machine-readable, every row of every check.

Schema (``schema_version`` 1, published as ``schemas/findings.schema.json``, JSON Schema draft 2020-12, shipped with
the package and copied beside findings.json, which names it in ``$schema``): run metadata, ``complete`` with ``incomplete_reasons``, ``summary`` counts, the
``sources`` with their status, and ``checks`` in report order, each with ``rows`` in report order (failing first)
so that ``rows[n - 1]`` is row ``#n`` of the PDF and of ``evidence/<check_id>.csv``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from importlib.resources import files

from ..checks.model import CheckResult
from ..results import RunResult
from ._io import atomic_write_text
from .order import columns_of, evidence_filename, ordered_rows, report_order
from .trend import Trend, row_fingerprints
from .values import iso_z, json_safe

SCHEMA_VERSION = 1
SCHEMA_FILE = "findings.schema.json"  # beside findings.json, which names it in "$schema"


def findings_schema_text() -> str:
    """The published JSON Schema of findings.json, as shipped with the package."""
    return files("auditreport.report").joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")


def _check(cr: CheckResult) -> dict:
    c = cr.check
    return {
        "id": c.id,
        "title": c.title,
        "severity": c.severity,
        "kind": c.kind,
        "domain": c.domain,
        "origin": c.origin,
        "status": cr.status,
        "message": cr.message,
        "frameworks": {fw: list(reqs) for fw, reqs in c.frameworks.items()},
        "description": c.description,
        "remediation": c.remediation,
        "requires": list(c.requires),
        "sql_sha256": hashlib.sha256(c.sql.encode("utf-8")).hexdigest(),
        "duration_s": round(cr.duration_s, 3),
        "row_counts": cr.counts,
        "evidence_file": f"evidence/{evidence_filename(c.id)}" if cr.rows else None,
        "columns": columns_of(cr),
        "rows": [json_safe(row) for row in ordered_rows(cr)],
        "row_fingerprints": row_fingerprints(cr),  # one per row, same order: the finding's identity across runs
    }


def _source(s) -> dict:
    return {
        "name": s.name,
        "kind": s.kind,
        "status": s.status,
        "location": s.location,
        "detail": s.detail,
        "objects_read": s.objects_read,
        "objects_loaded": s.objects_loaded,
        "objects_quarantined": s.objects_quarantined,
        "objects_skipped": s.objects_skipped,
        "records_loaded": s.records_loaded,
        "records_quarantined": s.records_quarantined,
        "time_min": iso_z(s.time_min) if s.time_min else None,
        "time_max": iso_z(s.time_max) if s.time_max else None,
        "tables": list(s.tables),
        "days": None if s.days is None else {
            "expected": s.days.expected, "present": s.days.present,
            "missing": [[a.isoformat(), b.isoformat()] for a, b in s.days.missing],
        },
        "scopes": None if s.scopes is None else [
            {"trail": c["trail"], "account": c["account"], "region": c["region"], "days_present": c["days_present"],
             "records": c["records"], "time_min": iso_z(c["time_min"]) if c["time_min"] else None,
             "time_max": iso_z(c["time_max"]) if c["time_max"] else None} for c in s.scopes],
    }


def findings_document(result: RunResult, generated_at: datetime, trend: Trend | None = None) -> dict:
    p = result.period
    privacy = {"privacy": result.privacy} if result.privacy is not None else {}  # only when [privacy] is configured
    return {
        "$schema": SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditreport", "version": result.tool_version},
        "run_id": result.run_id,
        "organisation": result.organisation,
        "period": {"label": p.label, "kind": p.kind, "months": p.months, "start": iso_z(p.start), "end": iso_z(p.end), "end_is_exclusive": True},
        "config_path": result.config_path,
        "config_sha256": result.config_sha256,
        "started_at": iso_z(result.started_at),
        "finished_at": iso_z(result.finished_at) if result.finished_at else None,
        "generated_at": iso_z(generated_at),
        "complete": result.complete,
        "incomplete_reasons": result.incomplete_reasons,
        "summary": {
            "checks": len(result.checks),
            "by_status": result.status_counts(),
            "failing_by_severity": result.failing_by_severity(),
            "rows": sum(len(c.rows) for c in result.checks),
            "failing_rows": sum(len(c.failing_rows) for c in result.checks),
            "inputs": len(result.inputs),
            "quarantine_entries": len(result.quarantine),
        },
        "policy": json_safe(result.policy),
        "sources": [_source(s) for s in result.sources],
        "checks": [_check(cr) for cr in report_order(result.checks)],
        "trend": trend.as_dict() if trend is not None else None,
        **privacy,
    }


def write_findings(result: RunResult, path: Path, generated_at: datetime, trend: Trend | None = None) -> Path:
    return write_findings_document(findings_document(result, generated_at, trend), path)


def write_findings_document(doc: dict, path: Path) -> Path:
    atomic_write_text(path, json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return path


def write_findings_schema(out_dir: Path) -> Path:
    """Copy the schema beside findings.json, so that its ``$schema`` resolves in the output folder itself."""
    path = Path(out_dir) / SCHEMA_FILE
    atomic_write_text(path, findings_schema_text())
    return path
