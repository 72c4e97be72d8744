"""Reading API snapshot files of the canonical layout, with bad files quarantined rather than lost."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

from ..extract.base import sha256_file


@dataclass
class SnapshotRead:
    """What a snapshot loader read: rows per table, every input file, and what had to be quarantined."""

    source: str
    rows: dict[str, list[dict]] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)  # key, sha256, size_bytes, records, status
    quarantine: list[dict] = field(default_factory=list)
    captured_at: datetime | None = None

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)


class SnapshotReader:
    def __init__(self, source: str, root: Path, run_id: str):
        self.root = Path(root)
        self.result = SnapshotRead(source)
        self.run_id = run_id

    def read_json(self, path: Path):
        """Parse one response file. A file that is not valid JSON is quarantined and None returned."""
        key = str(path.relative_to(self.root))
        try:
            raw = path.read_bytes()
            body = json.loads(raw)
            status = "loaded"
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            body, status = None, "quarantined"
            self.quarantine(key, "malformed_json", f"not valid JSON: {e}", _head(path))
        self.result.inputs.append(
            {"key": key, "sha256": sha256_file(path), "size_bytes": path.stat().st_size, "records": None, "status": status}
        )
        return body

    def quarantine(self, key: str, reason: str, detail: str, excerpt: str | None = None, index: int | None = None):
        self.result.quarantine.append(
            {
                "source": self.result.source, "object_key": key, "record_index": index, "reason": reason,
                "detail": detail, "raw_excerpt": excerpt, "ingest_run_id": self.run_id,
                "quarantined_at": datetime.now(timezone.utc).replace(tzinfo=None),
            }  # fmt: skip
        )

    def operation_files(self, service: str, operation: str):
        """Yield (account, region, id or None, path) for every file of one operation, in a stable order."""
        for acct_dir in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name.isdigit()):
            for region_dir in sorted(p for p in acct_dir.iterdir() if p.is_dir()):
                base = region_dir / service
                single = base / f"{operation}.json"
                if single.is_file():
                    yield acct_dir.name, region_dir.name, None, single
                many = base / operation
                if many.is_dir():
                    for f in sorted(many.glob("*.json")):
                        yield acct_dir.name, region_dir.name, unquote(f.stem), f

    def captured_at(self) -> datetime | None:
        f = self.root / "_capture.json"
        if f.is_file():
            body = self.read_json(f)
            if isinstance(body, dict) and body.get("captured_at"):
                self.result.captured_at = parse_time(body["captured_at"])
        return self.result.captured_at

    def key(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def parse_time(v) -> datetime | None:
    """ISO 8601 strings (as written from boto3 datetimes) or epoch seconds/ms -> naive UTC."""
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        secs = v / 1000 if v > 1e11 else v
        return datetime.fromtimestamp(secs, timezone.utc).replace(tzinfo=None)
    try:
        dt = datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt


def _head(path: Path, n: int = 300) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(n).decode("utf-8", "replace")
    except OSError:
        return ""
