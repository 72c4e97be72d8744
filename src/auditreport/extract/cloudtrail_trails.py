"""Several trails in one ``cloudtrail`` source (``[[sources.cloudtrail.trails]]``): each trail is extracted by the
extractor of its kind, as if it were the only one, and their objects are handed to the one loader as one stream.

Each trail's objects keep their trail as the first part of their key, ``<trail>/AWSLogs/...``: the key is what the
lake's exactly-once bookkeeping (``ingest_objects``) and every row's ``source_key`` hold, so two trails never share
a key (two buckets may hold the same log file name), and every record's trail is known from its key
(``cloudtrail_events.trail``). A live trail's objects are mirrored into ``OUT/raw/cloudtrail/<trail>/``. A trail that
cannot be read at all makes the source partial, naming the trail; only when no trail can be read is the source
unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from ..errors import SourceError
from ..raw import ObjectStream, RawEvidence, RawObject
from .base import ExtractContext


def extract_trails(source: str, kind: str, trails: list[tuple[str, object]], ctx: ExtractContext,
                   root_of: Callable[[str], object]) -> RawEvidence:  # fmt: skip
    """Extract every ``(trail name, extractor)``; one RawEvidence whose objects are keyed ``<trail>/<key>``.
    ``root_of(trail)`` is where that trail's evidence sits (for the RawEvidence of the whole source: its parent)."""
    read: list[tuple[str, RawEvidence]] = []
    errors: list[str] = []
    for name, extractor in trails:
        prefix = f"{name}/"
        own = {k.removeprefix(prefix): etag for k, etag in ctx.already_loaded.items() if k.startswith(prefix)}
        try:
            read.append((name, extractor.extract(replace(ctx, already_loaded=own))))
        except SourceError as e:
            errors.append(_line(source, name, e))
    if not read:
        raise SourceError(source, "; ".join(errors))

    def objects() -> Iterator[RawObject]:
        failed = len(trails) - len(read)
        for name, raw in read:
            try:
                for o in raw.objects:
                    yield RawObject(key=f"{name}/{o.key}", path=o.path, size_bytes=o.size_bytes, etag=o.etag,
                                    kind=o.kind, not_readable=o.not_readable)  # fmt: skip
            except SourceError as e:  # the trail failed while it was being listed (every day prefix refused)
                errors.append(_line(source, name, e))
                failed += 1
                continue
            errors.extend(f"trail '{name}': {e}" for e in raw.errors)  # a trail's errors are known once it is read
        if failed == len(trails):
            raise SourceError(source, "; ".join(errors))

    return RawEvidence(source=source, kind=kind, root=root_of(read[0][0]).parent,
                       location=", ".join(f"{name}: {raw.location}" for name, raw in read),
                       objects=ObjectStream(objects()), errors=errors)  # fmt: skip


def _line(source: str, trail: str, e: SourceError) -> str:
    return f"trail '{trail}': {str(e).removeprefix(f'source {source!r}: ')}"
