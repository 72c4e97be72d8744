"""Progress of a long extraction (objects and bytes per source) on stderr.

Quiet unless the stream is a terminal: a scheduled job's log gets no carriage-return noise. Extractors call the
reporter as ``progress(source, objects, nbytes)`` with running totals for that source (not increments), from the
thread that drives the extraction.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


class ProgressReporter:
    """A callable ``(source, objects, nbytes)`` for :class:`~auditreport.extract.base.ExtractContext.progress`.

    ``enabled=None`` means: on when ``stream`` is a terminal. Updates are throttled to one per ``min_interval``
    seconds; :meth:`done` prints the final totals of a source and ends its line."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None, min_interval: float = 0.2):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._last: dict[str, tuple[int, int]] = {}
        self._shown_at: float | None = None
        self._open_line = False

    def __call__(self, source: str, objects: int, nbytes: int) -> None:
        with self._lock:
            self._last[source] = (objects, nbytes)
            if not self.enabled:
                return
            now = time.monotonic()
            if self._shown_at is not None and now - self._shown_at < self.min_interval:
                return
            self._shown_at = now
            self._write(f"\r\x1b[K{self._line(source)}")
            self._open_line = True

    def done(self, source: str) -> None:
        with self._lock:
            if not self.enabled or source not in self._last:
                return
            self._write(f"\r\x1b[K{self._line(source)}\n")
            self._open_line = False

    def totals(self, source: str) -> tuple[int, int]:
        """The last (objects, bytes) reported for ``source``; (0, 0) if none."""
        return self._last.get(source, (0, 0))

    def _line(self, source: str) -> str:
        objects, nbytes = self._last[source]
        return f"{source}: {objects} object{'s' if objects != 1 else ''}, {human_bytes(nbytes)}"

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # closed or broken stream: progress is never worth a crash
            self.enabled = False
