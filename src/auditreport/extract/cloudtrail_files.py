"""CloudTrail log and digest files already on disk in the S3 key layout (an ``aws s3 sync`` of the trail bucket, or
the sample month): only the day folders of the period, one day either side, are listed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import SourceError
from ..raw import CLOUDTRAIL_FOLDER_KINDS, ObjectStream, RawEvidence, RawObject
from ..source_settings import FilesSettings
from .base import ExtractContext
from .files import FilesExtractor


class CloudTrailFilesExtractor(FilesExtractor):
    def trail_extractors(self) -> list[tuple[str, "CloudTrailFilesExtractor"]]:
        """(trail name, the extractor of its folder) per trail of several; [] for the single-folder form."""
        return [(t.name, CloudTrailFilesExtractor(self.name, FilesSettings(kind="files", path=t.path)))
                for t in getattr(self.settings, "trails", None) or []]  # fmt: skip

    def check_root(self) -> Path:
        if self.trail_extractors():  # several trails: every folder checked, the first one's root returned
            return [e.check_root() for _, e in self.trail_extractors()][0]
        root = self.root()
        if not (root / "AWSLogs").is_dir():
            raise SourceError(self.name, f"{root}: no AWSLogs/ folder (expected the CloudTrail S3 key layout)")
        return root

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        trails = self.trail_extractors()
        if trails:  # one folder per trail: each read as the only one, into one stream
            from .cloudtrail_trails import extract_trails

            paths = {t.name: Path(t.path) for t in self.settings.trails}
            return extract_trails(self.name, "files", trails, ctx, paths.__getitem__)
        root = self.check_root()
        # listed as the loader reads: the workers parse the first objects while the rest are being listed
        return RawEvidence(source=self.name, kind="files", root=root, location=str(root),
                           objects=ObjectStream(iter_cloudtrail_objects(root, ctx)))


def list_cloudtrail_objects(root: Path, ctx: ExtractContext) -> list[RawObject]:
    """Only the day folders of the period, one day of margin each side: never the whole tree."""
    return list(iter_cloudtrail_objects(root, ctx))


def iter_cloudtrail_objects(root: Path, ctx: ExtractContext) -> Iterator[RawObject]:
    """:func:`list_cloudtrail_objects`, one object at a time."""
    days = ctx.period.days(margin_days=1)
    awslogs = root / "AWSLogs"
    scopes = []
    for first in sorted(p for p in awslogs.iterdir() if p.is_dir()):
        # AWSLogs/<account>/ or, for organisation trails, AWSLogs/<o-id>/<account>/
        accounts = [first] if first.name.isdigit() else sorted(p for p in first.iterdir() if p.is_dir())
        for acct in accounts:
            for folder in CLOUDTRAIL_FOLDER_KINDS:
                if (acct / folder).is_dir():
                    scopes.extend((folder, r) for r in sorted(p for p in (acct / folder).iterdir() if p.is_dir()))
    for folder, region_dir in scopes:
        for d in days:
            day_dir = region_dir / f"{d.year:04d}" / f"{d.month:02d}" / f"{d.day:02d}"
            try:
                entries = sorted(os.scandir(day_dir), key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            prefix = day_dir.relative_to(root).as_posix() + "/"
            kind = CLOUDTRAIL_FOLDER_KINDS[folder]  # the folder names it: CloudTrail/ holds logs, -Digest/ digests
            for e in entries:  # one stat per regular file: scandir tells the kind of entry without one
                key = prefix + e.name
                if ctx.held and key in ctx.already_loaded:  # OUT/raw/'s own copy of an object loaded before
                    size = e.stat().st_size if e.is_file() else 0
                    yield RawObject(key=key, path=None, size_bytes=size, etag=ctx.already_loaded[key], kind=kind)
                    continue
                problem = _not_readable(e)
                size = e.stat().st_size if problem is None else 0
                yield RawObject(key=key, path=e.path, size_bytes=size, kind=kind, not_readable=problem)


def _not_readable(e: os.DirEntry) -> tuple[str, str] | None:
    """Why an entry of a day folder is not an object to read, or None. Every entry is listed, so that none is
    silently invisible: the loader quarantines these under the reason given, without opening them."""
    if e.name.endswith(".tmp"):
        return "temporary_file", "an unfinished copy (.tmp name): not read; the copy it belongs to may be missing"
    if e.is_symlink() and not os.path.exists(e.path):
        return "not_a_file", "a symbolic link that leads nowhere (dangling, or a loop)"
    if e.is_dir():
        return "not_a_file", "a folder where a log file belongs"
    if not e.is_file():
        return "not_a_file", "not a regular file (a FIFO, a socket or a device): not opened"
    return None
