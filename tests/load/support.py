"""Building raw evidence in the canonical layout (auditreport.raw) and loading it into a real lake, for loader tests."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from auditreport.lake.connection import create_views
from auditreport.load.base import LoadContext, LoadResult
from auditreport.period import Period
from auditreport.raw import CAPTURE_FILE, RawEvidence, capture_body, resource_path, write_json

PERIOD = Period(2026, 10)
CAPTURED_AT = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)


def put(root: Path, account: str, region: str, service: str, operation: str, body, ident: str | None = None) -> Path:
    """One API response where an extractor would have written it."""
    path = resource_path(root, account, region, service, operation, ident)
    write_json(path, body)
    return path


def capture(root: Path, when: datetime = CAPTURED_AT, **extra) -> None:
    write_json(Path(root) / CAPTURE_FILE, capture_body(when, **extra))


def load(loader, root: Path, con, lake_root: Path, *, period: Period = PERIOD, run_id: str = "run-1",
         objects=None) -> LoadResult:
    """Run ``loader`` on the evidence below ``root`` as a run does, then (re)create the lake views."""
    raw = RawEvidence(source=loader.source, kind="files", root=Path(root), location=str(root),
                      objects=list(objects or []))
    result = loader.load(raw, LoadContext(con=con, lake_root=lake_root, period=period, run_id=run_id))
    create_views(con, lake_root)
    return result


def rows(con, sql: str, params: dict | None = None) -> list[dict]:
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
