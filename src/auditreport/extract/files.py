"""The file source of a snapshot source: evidence already on disk in the canonical layout (the sample month, or a
copy of an earlier live run's ``raw/<source>/``). Nothing is copied: the loader reads it in place."""

from __future__ import annotations

from pathlib import Path

from ..errors import SourceError
from ..raw import RawEvidence
from ..source_settings import FilesSettings
from .base import ExtractContext
from .probe import ProbeCall, SourceProbe


class FilesExtractor:
    def __init__(self, name: str, settings: FilesSettings):
        self.name = name
        self.settings = settings

    def root(self) -> Path:
        root = Path(self.settings.path)
        if not root.is_dir():
            raise SourceError(self.name, f"{root}: directory not found")
        return root

    def probe(self, period=None) -> SourceProbe:
        """Preflight: the folder is there (``error`` naming it when not); what it holds is the loader's business."""
        result = SourceProbe(self.name, self.settings.kind, str(self.settings.path))
        try:
            self.check_root()
        except SourceError as e:
            result.calls.append(ProbeCall(what=str(self.settings.path), status="error",
                                          detail=str(e).removeprefix(f"source '{self.name}': ")))
        else:
            result.calls.append(ProbeCall(what=str(self.settings.path), status="ok"))
            result.notes.append("folder found")
        return result

    def check_root(self) -> Path:
        return self.root()

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        root = self.root()
        return RawEvidence(source=self.name, kind="files", root=root, location=str(root))
