"""One error hierarchy. Every error a user can cause or meet names the input at fault in one line."""

from __future__ import annotations

import errno as _errno
import os as _os
import re as _re
import sys as _sys


class AuditReportError(Exception):
    """Base of every error auditreport raises on purpose. ``str(err)`` is one line for a person."""

    exit_code = 4


class ConfigError(AuditReportError):
    """The configuration file or a command-line value is wrong. Exit code 3."""

    exit_code = 3


class SourceError(AuditReportError):
    """A source could not be read (unreachable, access denied, missing directory). The source becomes
    'unavailable' in the report and the run exits 2; it never crashes the run."""

    exit_code = 2

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"source '{source}': {message}")


class InputError(AuditReportError):
    """One input object is unreadable (corrupt gzip, truncated JSON, not the expected format). It is quarantined
    and counted; the run goes on."""

    exit_code = 2

    def __init__(self, key: str, reason: str, detail: str):
        self.key, self.reason, self.detail = key, reason, detail
        super().__init__(f"{key}: {detail}")


class CheckDefinitionError(AuditReportError):
    """A check file in the catalogue is malformed (bad header, unknown framework, id != file name). ``path`` and
    ``line`` (1-based, in the file; None when no one line is at fault) say where."""

    exit_code = 3

    def __init__(self, message: str, path=None, line: int | None = None):
        self.path, self.line = (str(path) if path is not None else None), line
        super().__init__(message)


class EnvironmentFailure(AuditReportError):
    """The machine refused what the run needs: an output folder that cannot be written, a full disk, an output
    folder another run holds. Nothing is wrong with the configuration or the evidence. Exit code 5."""

    exit_code = 5

    def __init__(self, path, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")


# What the machine can refuse: a path that cannot be written or read for lack of permission or space, a read-only
# or failing file system, too many open files, a path that is too long or runs through a file. An ``OSError`` with
# one of these that escapes the library is the environment's fault, never a bug.
ENVIRONMENT_ERRNOS = frozenset(
    getattr(_errno, name) for name in ("EACCES", "EPERM", "ENOSPC", "EDQUOT", "EROFS", "EIO", "EFBIG", "EMFILE",
                                       "ENFILE", "EBUSY", "ETXTBSY", "ENAMETOOLONG", "ENOTDIR", "EISDIR", "ELOOP",
                                       "EMLINK", "EXDEV")
    if hasattr(_errno, name)
)  # fmt: skip
_DUCKDB_ERRNO = _re.compile(r'"errno"\s*:\s*"(\d+)"')
# 'Cannot open file "/p": ...', 'Could not write file \\"/p\\": ...' (inside JSON), 'Failed to create directory "/p": ...'
_DUCKDB_PATH = _re.compile(r'(?:file|directory)\s+\\?"(.+?)\\?"')


def environment_failure(exc: BaseException, path_hint=None) -> EnvironmentFailure | None:
    """``exc`` as an :class:`EnvironmentFailure` naming the path at fault, or None when it is not one.

    Understands ``OSError`` (its ``filename``, else ``path_hint``: a write on an open file names no path) and DuckDB's
    ``IOException``, whose text carries the file and either the errno or the system's message for it."""
    if isinstance(exc, EnvironmentFailure):
        return exc
    if isinstance(exc, OSError):
        if exc.errno not in ENVIRONMENT_ERRNOS:
            return None
        path = exc.filename if exc.filename is not None else (path_hint or "the output folder")
        return EnvironmentFailure(path, exc.strerror or _os.strerror(exc.errno))
    duckdb = _sys.modules.get("duckdb")
    if duckdb is None or not isinstance(exc, duckdb.IOException):
        return None
    text = str(exc)
    m = _DUCKDB_ERRNO.search(text)
    number = int(m.group(1)) if m else next((n for n in ENVIRONMENT_ERRNOS if _os.strerror(n) in text), None)
    if number not in ENVIRONMENT_ERRNOS:
        return None
    f = _DUCKDB_PATH.search(text)
    return EnvironmentFailure(f.group(1) if f else (path_hint or "the output folder"), _os.strerror(number))
