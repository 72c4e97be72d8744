"""One error hierarchy. Every error a user can cause or meet names the input at fault in one line."""

from __future__ import annotations


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
    """A check file in the catalogue is malformed (bad header, unknown framework, id != file name)."""

    exit_code = 3


class EnvironmentFailure(AuditReportError):
    """The machine refused what the run needs: an output folder that cannot be written, a full disk, an output
    folder another run holds. Nothing is wrong with the configuration or the evidence. Exit code 5."""

    exit_code = 5

    def __init__(self, path, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")
