"""The extractor interface. A file source and a live source are two implementations of one thing: each puts raw
evidence in the canonical layout of :mod:`auditreport.raw` (docs/architecture.md) and says where it is; one loader
reads that layout. Each extractor is built by its source's record (:mod:`auditreport.sources`) from its own
settings only."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from ..period import Period
from ..raw import RawEvidence


@dataclass
class ExtractContext:
    period: Period
    raw_dir: Path  # OUT/raw: where live extractors write
    run_id: str
    already_loaded: dict[str, str] = field(default_factory=dict)  # cloudtrail key -> etag, from earlier runs
    progress: Callable[[str, int, int], None] = lambda source, objects, nbytes: None
    # reading what earlier runs extracted into OUT/raw/ (run --no-extract): a CloudTrail object loaded before is
    # handed over unopened (path None, the ETag it was loaded with), as a live re-run hands over one it need not fetch
    held: bool = False


class Extractor(Protocol):
    name: str

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        """Put the evidence in place. Raises SourceError when the source cannot be read at all."""
