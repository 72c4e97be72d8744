"""Writing outputs so that a crash never leaves half a report where a whole one is expected (through the one
build-beside-then-rename helper, :func:`auditreport.raw.staged`)."""

from __future__ import annotations

from pathlib import Path

from ..raw import staged


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with staged(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
