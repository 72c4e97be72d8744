"""``manifest.json``: what the run was and read — tool version, run id, config hash, period, every input with its
SHA-256 and record count, timings, outputs. Enough to re-run and to prove the evidence did not change."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from .raw import staged
from .results import RunResult


def _iso(dt):
    return dt.isoformat().replace("+00:00", "Z") if dt else None


def write_manifest(result: RunResult, out_dir: Path, name: str = "manifest.json") -> dict[str, Path]:
    outputs = {}
    for k, p in result.outputs.items():
        p = Path(p)
        if p.is_file() and p.suffix != ".duckdb":  # the database changes when opened; hash the rest
            outputs[k] = {"path": str(p.relative_to(out_dir)) if p.is_relative_to(out_dir) else str(p),
                          "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}  # fmt: skip
        else:
            outputs[k] = {"path": str(p)}
    body = {
        "schema_version": 1,
        "tool": {"name": "auditreport", "version": result.tool_version},
        "run_id": result.run_id,
        "organisation": result.organisation,
        "period": {"label": result.period.label, "start": _iso(result.period.start) + "Z",
                   "end": _iso(result.period.end) + "Z"},
        "config": {"path": result.config_path, "sha256": result.config_sha256},
        "policy": result.policy,
        "started_at": _iso(result.started_at),
        "finished_at": _iso(result.finished_at),
        "complete": result.complete,
        "incomplete_reasons": result.incomplete_reasons,
        "timings_seconds": result.timings,
        "sources": [
            {**asdict(s), "time_min": _iso(s.time_min), "time_max": _iso(s.time_max)} for s in result.sources
        ],
        "table_counts": result.table_counts,
        "inputs": [asdict(i) for i in result.inputs],
        "outputs": outputs,
    }  # fmt: skip
    path = Path(out_dir) / name
    with staged(path) as tmp:
        tmp.write_text(json.dumps(body, indent=1, default=str))
    return {name.removesuffix(".json").replace("-", "_"): path}
