"""The shared driver of AWS API snapshot extractors (trails, SageMaker, CloudWatch Logs, IAM, S3 bucket settings).

Every response is written with :func:`~auditreport.raw.write_json` in the canonical layout of
docs/architecture.md, below ``OUT/raw/<source>/``:

    _capture.json                                          {"captured_at": ..., "scopes": [...]}
    <account>/<region>/<service>/<Operation>.json          one response (pages merged)
    <account>/<region>/<service>/<Operation>/<id>.json     one response per resource, id = quote(name, safe="")

A snapshot is built in a staging directory and swapped in whole, so that a resource deleted since the last run
does not linger and a killed run leaves the previous snapshot intact.

Scopes are accounts x regions (accounts for IAM and S3, region ``global``). A scope that fails is one error line;
when every scope fails the source raises :class:`~auditreport.errors.SourceError` (unavailable), when only some
fail the outcome carries the lines (partial). "Not configured" answers (no object lock, no lifecycle, no public
access block) are evidence, stored as ``{"Error": {"Code", "Message"}}`` bodies, never errors.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SourceError
from ..period import Period
from ..raw import (
    CAPTURE_FILE,
    GLOBAL_REGION,
    RawEvidence,
    capture_body,
    remove_leftovers,
    resource_path,
    staged,
    write_json,
)
from ..source_settings import Aws, AwsApiSettings
from .aws_session import AWS_ERRORS, AwsSessions, ScopeError, error_line
from .base import ExtractContext
from .probe import Probe, SourceProbe, failed_call, probe_scope

_MAX_ERROR_LINES = 50


def error_body(exc: BaseException) -> dict:
    err = exc.response.get("Error", {}) if hasattr(exc, "response") else {}
    return {"Error": {"Code": err.get("Code", type(exc).__name__), "Message": err.get("Message", str(exc))}}


def paginate(client, operation: str, **params):
    return client.get_paginator(operation).paginate(**params)


@dataclass
class SnapshotRun:
    """What one extraction shares between its scopes (they run in worker threads)."""

    ctx: ExtractContext
    settings: AwsApiSettings
    sessions: AwsSessions
    root: Path  # the staging directory
    lock: threading.Lock = field(default_factory=threading.Lock)
    shared: dict = field(default_factory=dict)

    def write(self, account: str, region: str, service: str, operation: str, body, ident: str | None = None) -> None:
        write_json(resource_path(self.root, account, region, service, operation, ident), body)


class AwsSnapshotExtractor(ABC):
    """Shared driver: scopes in a bounded thread pool, staging, ``_capture.json``, error policy."""

    name = ""
    service = ""
    global_scope = False
    probe_call: Probe  # preflight: one cheap read call its scopes make (extract/probe.py)

    def __init__(self, settings: AwsApiSettings, aws: Aws):
        self.settings = settings  # this source's own settings (borrowed values already filled in)
        self.aws = aws  # the connection settings every live AWS source shares: accounts, regions, credentials

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        sessions = AwsSessions(self.aws, ctx.run_id, source=self.name)
        accounts, regions = self.scope_accounts(sessions), self.scope_regions(sessions)
        scopes = [(a, r) for a in accounts for r in regions]
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        final = ctx.raw_dir / self.name
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(final.parent, final.name)  # of a killed run
        with staged(final, directory=True) as stage:
            run = SnapshotRun(ctx=ctx, settings=self.settings, sessions=sessions, root=stage)
            self.prepare(run)
            results = self._run_scopes(run, scopes, self.aws.max_concurrency)
            failed = [line for ok, line in results.values() if not ok]
            if scopes and len(failed) == len(scopes):
                raise SourceError(self.name, failed[0] + (f" (and {len(failed) - 1} more scopes failed)"
                                                          if len(failed) > 1 else ""))
            notes = [line for ok, lines in results.values() if ok for line in lines]
            errors = failed + notes + self.finish(run)
            write_json(stage / CAPTURE_FILE, capture_body(
                captured_at, scopes=[{"account": a, "region": r, "captured": results[(a, r)][0]} for a, r in scopes]))
        self.ctx_progress(ctx, final)
        return RawEvidence(
            source=self.name, kind="aws", root=final,
            location=self.location(accounts, regions), errors=_cap(errors), captured_at=captured_at,
        )

    def location(self, accounts: list[str], regions: list[str]) -> str:
        return f"AWS accounts {', '.join(accounts)}" + ("" if self.global_scope else f"; regions {', '.join(regions)}")

    def probe(self, period: Period) -> SourceProbe:
        """Preflight: :attr:`probe_call` in every account and region :meth:`extract` would read, in parallel."""
        sessions = AwsSessions(self.aws, "preflight", source=self.name)
        result = SourceProbe(self.name, self.settings.kind, "AWS")
        try:
            accounts, regions = self.scope_accounts(sessions), self.scope_regions(sessions)
        except SourceError as e:  # no region, or GetCallerIdentity failed (its error is the context: raised from None)
            cause = e.__context__ or e
            result.calls.append(failed_call(cause, "GetCallerIdentity", None, None, None, "GetCallerIdentity"))
            return result
        result.location = self.location(accounts, regions)
        scopes = [(a, r) for a in accounts for r in regions]
        with ThreadPoolExecutor(max_workers=max(1, min(self.aws.max_concurrency, len(scopes) or 1))) as pool:
            result.calls = list(pool.map(lambda s: probe_scope(sessions, self.probe_call, *s), scopes))
        return result

    def _run_scopes(self, run: SnapshotRun, scopes, workers: int) -> dict:
        """(account, region) -> (True, [note lines]) or (False, error line)."""

        def one(scope):
            account, region = scope
            notes: list[str] = []
            try:
                self.capture(run, account, region, notes)
            except ScopeError as e:
                return False, str(e)
            except AWS_ERRORS as e:
                return False, error_line(e, account, region)
            return True, notes

        if not scopes:
            return {}
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(scopes))), thread_name_prefix=self.name) as pool:
            return dict(zip(scopes, pool.map(one, scopes)))

    def ctx_progress(self, ctx: ExtractContext, root: Path) -> None:
        files = [p for p in root.rglob("*.json") if p.is_file()]
        ctx.progress(self.name, len(files), sum(p.stat().st_size for p in files))

    # -- hooks ---------------------------------------------------------------------------------------------------

    def scope_accounts(self, sessions: AwsSessions) -> list[str]:
        """The accounts to read: ``[aws].accounts``, else the account of the credentials."""
        return sessions.accounts()

    def scope_regions(self, sessions: AwsSessions) -> list[str]:
        """The regions to read: ``global`` for a global service, else ``[aws].regions`` (or the session's)."""
        return [GLOBAL_REGION] if self.global_scope else sessions.regions()

    def prepare(self, run: SnapshotRun) -> None:
        """Before the scopes run (single-threaded)."""

    @abstractmethod
    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        """Capture one scope. Raise (botocore error or ScopeError) when the scope fails as a whole; append one line
        to ``notes`` for a resource that could not be read."""

    def finish(self, run: SnapshotRun) -> list[str]:
        """After the scopes: error lines about the whole source."""
        return []


def _cap(errors: list[str]) -> list[str]:
    if len(errors) <= _MAX_ERROR_LINES:
        return errors
    return errors[:_MAX_ERROR_LINES] + [f"… and {len(errors) - _MAX_ERROR_LINES} more errors like these"]
