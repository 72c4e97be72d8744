"""``manifest.json``: what the run was and read — tool version, run id, config hash, period, every input with its
SHA-256 and record count, timings, outputs with their SHA-256, the run's two digests (``integrity``). Enough to re-run
and to prove the evidence did not change. Its first key, ``manifest_sha256``, seals the file itself
(:mod:`auditreport.integrity`); ``auditreport verify`` checks all of it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import msgspec

from .integrity import SEAL_KEY, SEAL_PLACEHOLDER, file_sha256, inputs_digest, seal
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
                          "sha256": file_sha256(p)}  # fmt: skip
        else:
            outputs[k] = {"path": str(p)}
    integrity = {"inputs_sha256": inputs_digest(result.inputs), **result.integrity}
    body = {
        SEAL_KEY: SEAL_PLACEHOLDER,  # first: filled in with the SHA-256 of the file as written (integrity.seal)
        "schema_version": 1,
        "tool": {"name": "auditreport", "version": result.tool_version},
        "run_id": result.run_id,
        "organisation": result.organisation,
        "period": {"label": result.period.label, "kind": result.period.kind, "months": result.period.months,
                   "start": _iso(result.period.start) + "Z", "end": _iso(result.period.end) + "Z"},
        "config": {"path": result.config_path, "sha256": result.config_sha256},
        "policy": result.policy,
        "started_at": _iso(result.started_at),
        "finished_at": _iso(result.finished_at),
        "complete": result.complete,
        "incomplete_reasons": result.incomplete_reasons,
        "engine": result.engine,  # what ran the checks: DuckDB, or Spark (master, version, transpiler)
        "timings_seconds": result.timings,
        "sources": [
            {**asdict(s), "time_min": _iso(s.time_min), "time_max": _iso(s.time_max)} for s in result.sources
        ],
        "table_counts": result.table_counts,
        "retention_deleted": result.retention,  # what [retention] deleted from the output folder in this run
        "inputs": result.inputs,  # msgspec encodes the dataclasses itself, in C
        "outputs": outputs,
        "integrity": integrity,
        "notifications": result.notifications,  # what [notify] sent, or why it could not
        **({"privacy": result.privacy} if result.privacy is not None else {}),
    }  # fmt: skip
    path = Path(out_dir) / name
    with staged(path) as tmp:
        # msgspec encodes in C: a run over 100,000 objects lists 100,000 inputs (json's indenting encoder is Python)
        tmp.write_bytes(seal(msgspec.json.format(msgspec.json.encode(body, enc_hook=str), indent=1)))
    return {name.removesuffix(".json").replace("-", "_"): path}
