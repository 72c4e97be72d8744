"""The file source: evidence already on disk in the canonical layout (the sample month, or an S3 sync)."""

from __future__ import annotations

from pathlib import Path

from ..config import FilesSource
from ..errors import SourceError
from .base import CLOUDTRAIL_KEY, ExtractContext, ExtractOutcome, RawObject


class FilesExtractor:
    def __init__(self, name: str, source: FilesSource):
        self.name = name
        self.source = source

    def extract(self, ctx: ExtractContext) -> ExtractOutcome:
        root = Path(self.source.path)
        if not root.is_dir():
            raise SourceError(self.name, f"{root}: directory not found")
        outcome = ExtractOutcome(source=self.name, kind="files", root=root, location=str(root))
        if self.name == "cloudtrail":
            outcome.objects = list_cloudtrail_objects(root, ctx)
            if not (root / "AWSLogs").is_dir():
                raise SourceError(self.name, f"{root}: no AWSLogs/ folder (expected the CloudTrail S3 key layout)")
        return outcome


def list_cloudtrail_objects(root: Path, ctx: ExtractContext) -> list[RawObject]:
    """Only the day folders of the period, one day of margin each side: never the whole tree."""
    days = ctx.period.days(margin_days=1)
    out = []
    awslogs = root / "AWSLogs"
    scopes = []
    for first in sorted(p for p in awslogs.iterdir() if p.is_dir()):
        # AWSLogs/<account>/ or, for organisation trails, AWSLogs/<o-id>/<account>/
        accounts = [first] if first.name.isdigit() else sorted(p for p in first.iterdir() if p.is_dir())
        for acct in accounts:
            for kind in ("CloudTrail", "CloudTrail-Digest"):
                if (acct / kind).is_dir():
                    scopes.extend((kind, r) for r in sorted(p for p in (acct / kind).iterdir() if p.is_dir()))
    for kind, region_dir in scopes:
        for d in days:
            day_dir = region_dir / f"{d.year:04d}" / f"{d.month:02d}" / f"{d.day:02d}"
            if not day_dir.is_dir():
                continue
            for f in sorted(day_dir.iterdir()):
                if not f.is_file() or f.name.endswith(".tmp"):
                    continue
                key = str(f.relative_to(root))
                m = CLOUDTRAIL_KEY.search(key)
                out.append(
                    RawObject(
                        key=key, path=f, size_bytes=f.stat().st_size,
                        kind="digest" if (m and m["kind"] == "CloudTrail-Digest") or kind == "CloudTrail-Digest" else "log",
                    )  # fmt: skip
                )
    return out
