"""The file source of a snapshot source: evidence already on disk in the canonical layout (the sample month, or a
copy of an earlier live run's ``raw/<source>/``). Nothing is copied: the loader reads it in place."""

from __future__ import annotations

from pathlib import Path

from ..errors import SourceError
from ..raw import RawEvidence
from ..source_settings import FilesSettings
from .base import ExtractContext


class FilesExtractor:
    def __init__(self, name: str, settings: FilesSettings):
        self.name = name
        self.settings = settings

    def root(self) -> Path:
        root = Path(self.settings.path)
        if not root.is_dir():
            raise SourceError(self.name, f"{root}: directory not found")
        return root

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        root = self.root()
        return RawEvidence(source=self.name, kind="files", root=root, location=str(root))
