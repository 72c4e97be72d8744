"""Snapshots of AWS API responses: trails, SageMaker, CloudWatch Logs, IAM and S3 bucket settings.

Every response is written with :func:`~auditreport.extract.base.write_json` in the canonical layout of
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

from abc import ABC, abstractmethod

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from ..config import AwsSource, Config, S3TrailSource
from ..errors import SourceError
from .aws_session import AWS_ERRORS, GLOBAL, AwsSessions, ScopeError, error_code, error_line
from .base import ExtractContext, ExtractOutcome, write_json

_MAX_ERROR_LINES = 50


@contextmanager
def staged_dir(final: Path):
    """Build a directory beside ``final`` and swap it in only when the block succeeds."""
    stage = final.with_name(f".{final.name}.staging")
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    stage.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def resource_path(root: Path, account: str, region: str, service: str, operation: str,
                  ident: str | None = None) -> Path:
    base = root / account / region / service
    return base / f"{operation}.json" if ident is None else base / operation / f"{quote(ident, safe='')}.json"


def error_body(exc: BaseException) -> dict:
    err = exc.response.get("Error", {}) if hasattr(exc, "response") else {}
    return {"Error": {"Code": err.get("Code", type(exc).__name__), "Message": err.get("Message", str(exc))}}


def paginate(client, operation: str, **params):
    return client.get_paginator(operation).paginate(**params)


@dataclass
class _Run:
    """What one extraction shares between its scopes (they run in worker threads)."""

    ctx: ExtractContext
    src: AwsSource
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

    def __init__(self, source: AwsSource | None = None, config: Config | None = None):
        self.source = source  # default: ctx.config.sources[name]; ``config`` is accepted for the registry,
        self.config = config  # the run's ExtractContext.config is what is read

    def extract(self, ctx: ExtractContext) -> ExtractOutcome:
        src = self.source or ctx.config.sources.get(self.name)
        if not isinstance(src, AwsSource):
            raise SourceError(self.name, 'not configured as kind = "aws"')
        sessions = AwsSessions(ctx.config.aws, ctx.run_id, source=self.name)
        accounts = self.scope_accounts(sessions, ctx)
        regions = [GLOBAL] if self.global_scope else sessions.regions()
        scopes = [(a, r) for a in accounts for r in regions]
        captured_at = datetime.now(timezone.utc).replace(microsecond=0)
        final = ctx.raw_dir / self.name
        final.parent.mkdir(parents=True, exist_ok=True)
        with staged_dir(final) as stage:
            run = _Run(ctx=ctx, src=src, sessions=sessions, root=stage)
            self.prepare(run)
            results = self._run_scopes(run, scopes, ctx.config.aws.max_concurrency)
            failed = [line for ok, line in results.values() if not ok]
            if scopes and len(failed) == len(scopes):
                raise SourceError(self.name, failed[0] + (f" (and {len(failed) - 1} more scopes failed)"
                                                          if len(failed) > 1 else ""))
            notes = [line for ok, lines in results.values() if ok for line in lines]
            errors = failed + notes + self.finish(run)
            write_json(stage / "_capture.json", {
                "captured_at": captured_at.isoformat(),
                "scopes": [{"account": a, "region": r, "captured": results[(a, r)][0]} for a, r in scopes],
            })
        self.ctx_progress(ctx, final)
        return ExtractOutcome(
            source=self.name, kind="aws", root=final,
            location=f"AWS accounts {', '.join(accounts)}"
            + ("" if self.global_scope else f"; regions {', '.join(regions)}"),
            errors=_cap(errors), captured_at=captured_at,
        )

    def _run_scopes(self, run: _Run, scopes, workers: int) -> dict:
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

    def scope_accounts(self, sessions: AwsSessions, ctx: ExtractContext) -> list[str]:
        """The accounts to read: ``[aws].accounts``, else the account of the credentials."""
        return sessions.accounts()

    def prepare(self, run: _Run) -> None:
        """Before the scopes run (single-threaded)."""

    @abstractmethod
    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        """Capture one scope. Raise (botocore error or ScopeError) when the scope fails as a whole; append one line
        to ``notes`` for a resource that could not be read."""

    def finish(self, run: _Run) -> list[str]:
        """After the scopes: error lines about the whole source."""
        return []


# -- trails -------------------------------------------------------------------------------------------------------


class TrailsExtractor(AwsSnapshotExtractor):
    """DescribeTrails per region (shadow trails of multi-region and organisation trails included, as AWS returns
    them); GetTrailStatus and GetEventSelectors per trail, asked by TrailARN in the trail's HomeRegion (the only
    place event selectors can be read), written beside each region's DescribeTrails under the trail's name."""

    name = "trails"
    service = "cloudtrail"

    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        ct = run.sessions.client("cloudtrail", account, region)
        resp = ct.describe_trails(includeShadowTrails=True)
        run.write(account, region, "cloudtrail", "DescribeTrails", resp)
        for trail in resp.get("trailList", []):
            arn, name = trail["TrailARN"], trail["Name"]
            home = trail.get("HomeRegion") or region
            for operation, call in (
                ("GetTrailStatus", lambda c: c.get_trail_status(Name=arn)),
                ("GetEventSelectors", lambda c: c.get_event_selectors(TrailName=arn)),
            ):
                try:
                    body = self._once(run, (account, operation, arn), lambda: call(
                        run.sessions.client("cloudtrail", account, home)))
                except (ScopeError, *AWS_ERRORS) as e:
                    notes.append(f"trail {arn}: " + error_line(e, account, home, operation))
                    continue
                run.write(account, region, "cloudtrail", operation, body, ident=name)

    @staticmethod
    def _once(run: _Run, key, fetch):
        """A trail seen in N regions is asked about once per account (scopes run in parallel: one lock per key)."""
        with run.lock:
            cache = run.shared.setdefault("cache", {})
            key_lock = run.shared.setdefault("locks", {}).setdefault(key, threading.Lock())
        with key_lock:
            if key not in cache:
                cache[key] = fetch()
            return cache[key]


# -- SageMaker ----------------------------------------------------------------------------------------------------

_SM_NOT_FOUND = {"ValidationException", "ResourceNotFound", "ResourceNotFoundException"}


class SageMakerExtractor(AwsSnapshotExtractor):
    """Model package groups -> every package (versioned, and unversioned ones outside groups) ->
    DescribeModelPackage; endpoints -> DescribeEndpoint -> DescribeEndpointConfig -> DescribeModel of each variant,
    which gives the mapping endpoint -> config -> model -> model package."""

    name = "sagemaker"
    service = "sagemaker"

    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        sm = run.sessions.client("sagemaker", account, region)
        (run.root / account / region / "sagemaker").mkdir(parents=True, exist_ok=True)  # captured, even if empty
        summaries = []
        for page in paginate(sm, "list_model_package_groups"):
            for group in page.get("ModelPackageGroupSummaryList", []):
                for p in paginate(sm, "list_model_packages", ModelPackageGroupName=group["ModelPackageGroupName"],
                                  ModelPackageType="Both"):
                    summaries += p.get("ModelPackageSummaryList", [])
        for p in paginate(sm, "list_model_packages", ModelPackageType="Unversioned"):
            summaries += p.get("ModelPackageSummaryList", [])
        seen: set[str] = set()
        for s in summaries:
            arn = s["ModelPackageArn"]
            if arn in seen:
                continue
            seen.add(arn)
            body = self._describe(sm.describe_model_package, ModelPackageName=arn)
            if "Error" in body:
                continue  # deleted between the listing and now: it no longer exists
            group = s.get("ModelPackageGroupName") or body.get("ModelPackageGroupName")
            version = s.get("ModelPackageVersion") or body.get("ModelPackageVersion")
            ident = f"{group}/{version}" if group and version is not None else s.get("ModelPackageName", arn)
            run.write(account, region, "sagemaker", "DescribeModelPackage", body, ident=ident)

        configs: set[str] = set()
        models: set[str] = set()
        for page in paginate(sm, "list_endpoints"):
            for ep in page.get("Endpoints", []):
                name = ep["EndpointName"]
                endpoint = self._describe(sm.describe_endpoint, EndpointName=name)
                if "Error" in endpoint:
                    continue  # deleted between the listing and now
                run.write(account, region, "sagemaker", "DescribeEndpoint", endpoint, ident=name)
                config_name = endpoint.get("EndpointConfigName")
                if not config_name or config_name in configs:
                    continue
                configs.add(config_name)
                config = self._describe(sm.describe_endpoint_config, EndpointConfigName=config_name)
                run.write(account, region, "sagemaker", "DescribeEndpointConfig", config, ident=config_name)
                variants = config.get("ProductionVariants", []) + config.get("ShadowProductionVariants", [])
                for variant in variants:
                    model_name = variant.get("ModelName")
                    if model_name and model_name not in models:
                        models.add(model_name)
                        model = self._describe(sm.describe_model, ModelName=model_name)
                        run.write(account, region, "sagemaker", "DescribeModel", model, ident=model_name)

    @staticmethod
    def _describe(call, **params) -> dict:
        """The response, or an Error body when the resource does not exist. A config or model that a live endpoint
        still names but that was deleted is a fact worth keeping (the file holds the Error body); a package or
        endpoint deleted between the listing and its Describe is simply gone (no file)."""
        try:
            return call(**params)
        except AWS_ERRORS as e:
            if error_code(e) in _SM_NOT_FOUND:
                return error_body(e)
            raise


# -- CloudWatch Logs ----------------------------------------------------------------------------------------------


class CloudWatchExtractor(AwsSnapshotExtractor):
    """DescribeLogGroups for every ML prefix (policy.ml_log_group_prefixes, which the checks judge, plus the
    source's log_group_prefixes), one merged response per region; FilterLogEvents of each configured
    event_log_groups over the period, [start, end) in epoch milliseconds, every page."""

    name = "cloudwatch"
    service = "logs"

    def prepare(self, run: _Run) -> None:
        run.shared["found"] = set()

    def prefixes(self, run: _Run) -> list[str]:
        out: list[str] = []
        for p in list(run.ctx.config.policy.ml_log_group_prefixes) + list(run.src.log_group_prefixes or []):
            if p not in out:
                out.append(p)
        return [""] if "" in out else out

    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        logs = run.sessions.client("logs", account, region)
        groups: dict[str, dict] = {}
        for prefix in self.prefixes(run):
            params = {"logGroupNamePrefix": prefix} if prefix else {}
            for page in paginate(logs, "describe_log_groups", **params):
                for g in page.get("logGroups", []):
                    groups.setdefault(g["logGroupName"], g)
        run.write(account, region, "logs", "DescribeLogGroups", {"logGroups": [groups[k] for k in sorted(groups)]})

        start_ms = _epoch_ms(run.ctx.period.start)
        end_ms = _epoch_ms(run.ctx.period.end) - 1  # FilterLogEvents' endTime is inclusive; the period is not
        for name in run.src.event_log_groups:
            events: list[dict] = []
            try:
                for page in paginate(logs, "filter_log_events", logGroupName=name, startTime=start_ms, endTime=end_ms):
                    events += page.get("events", [])
            except AWS_ERRORS as e:
                if error_code(e) == "ResourceNotFoundException":
                    continue  # not in this account/region; finish() reports a group found nowhere
                notes.append(f"log group {name}: " + error_line(e, account, region, "FilterLogEvents"))
                continue
            with run.lock:
                run.shared["found"].add(name)
            run.write(account, region, "logs", "FilterLogEvents", {"events": events}, ident=name)

    def finish(self, run: _Run) -> list[str]:
        return [f"log group {name} (sources.cloudwatch.event_log_groups) exists in none of the accounts and regions"
                for name in run.src.event_log_groups if name not in run.shared["found"]]


def _epoch_ms(naive_utc: datetime) -> int:
    return int(naive_utc.replace(tzinfo=timezone.utc).timestamp() * 1000)


# -- IAM ----------------------------------------------------------------------------------------------------------

_IAM_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


class IamExtractor(AwsSnapshotExtractor):
    """GetAccountAuthorizationDetails for all five kinds, every page merged into one body per account."""

    name = "iam"
    service = "iam"
    global_scope = True

    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        iam = run.sessions.client("iam", account, region)
        body: dict[str, list] = {k: [] for k in _IAM_LISTS}
        for page in paginate(iam, "get_account_authorization_details",
                             Filter=["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]):
            for k in _IAM_LISTS:
                body[k] += page.get(k, [])
        run.write(account, GLOBAL, "iam", "GetAccountAuthorizationDetails", body)


# -- S3 bucket settings -------------------------------------------------------------------------------------------

# "not configured" answers: evidence of a missing setting, stored as an Error body
_S3_NOT_CONFIGURED = {
    "GetObjectLockConfiguration": {"ObjectLockConfigurationNotFoundError"},
    "GetBucketLifecycleConfiguration": {"NoSuchLifecycleConfiguration"},
    "GetPublicAccessBlock": {"NoSuchPublicAccessBlockConfiguration"},
}


class S3SettingsExtractor(AwsSnapshotExtractor):
    """Versioning, object lock, lifecycle and public access block of the configured buckets (plus the trail bucket
    when ``sources.cloudtrail`` reads one). Each bucket is read with the credentials of the account that owns it,
    found with ListBuckets in each account; a bucket no account owns is an error line."""

    name = "s3"
    service = "s3"
    global_scope = True

    def scope_accounts(self, sessions: AwsSessions, ctx: ExtractContext) -> list[str]:
        """Plus the trail's ``bucket_account`` (a log-archive account is often not among the audited ones)."""
        accounts = sessions.accounts()
        trail = ctx.config.sources.get("cloudtrail")
        if isinstance(trail, S3TrailSource) and trail.bucket_account and trail.bucket_account not in accounts:
            accounts.append(trail.bucket_account)
        return accounts

    def buckets(self, run: _Run) -> list[str]:
        out = list(run.src.buckets)
        trail = run.ctx.config.sources.get("cloudtrail")
        if isinstance(trail, S3TrailSource):
            from .s3_cloudtrail import parse_s3_uri

            out.append(parse_s3_uri(trail.uri)[0])
        return list(dict.fromkeys(out))

    def prepare(self, run: _Run) -> None:
        wanted = self.buckets(run)
        if not wanted:
            raise SourceError(self.name, "no bucket to read: set sources.s3.buckets")
        run.shared.update(wanted=wanted, captured=set(), failed=set())

    def capture(self, run: _Run, account: str, region: str, notes: list[str]) -> None:
        s3 = run.sessions.client("s3", account, region)
        owned: set[str] = set()
        for page in paginate(s3, "list_buckets"):
            owned |= {b["Name"] for b in page.get("Buckets", [])}
        for bucket in run.shared["wanted"]:
            if bucket not in owned:
                continue
            try:
                self.capture_bucket(run, s3, account, bucket)
            except AWS_ERRORS as e:
                notes.append(f"bucket {bucket}: " + error_line(e, account, region))
                with run.lock:
                    run.shared["failed"].add(bucket)
                continue
            with run.lock:
                run.shared["captured"].add(bucket)

    def capture_bucket(self, run: _Run, s3, account: str, bucket: str) -> None:
        calls = (
            ("GetBucketVersioning", s3.get_bucket_versioning),
            ("GetObjectLockConfiguration", s3.get_object_lock_configuration),
            ("GetBucketLifecycleConfiguration", s3.get_bucket_lifecycle_configuration),
            ("GetPublicAccessBlock", s3.get_public_access_block),
        )
        bodies = {}
        for operation, call in calls:
            try:
                bodies[operation] = call(Bucket=bucket)
            except AWS_ERRORS as e:
                if error_code(e) not in _S3_NOT_CONFIGURED.get(operation, ()):
                    raise
                bodies[operation] = error_body(e)
        for operation, body in bodies.items():  # all four or none: half a bucket reads like "not configured"
            run.write(account, GLOBAL, "s3", operation, body, ident=bucket)

    def finish(self, run: _Run) -> list[str]:
        wanted, captured, failed = run.shared["wanted"], run.shared["captured"], run.shared["failed"]
        missing = [b for b in wanted if b not in captured and b not in failed]
        lines = [f"bucket {b}: owned by none of the accounts read (ListBuckets); add its account to [aws].accounts"
                 for b in missing]
        if not captured:
            raise SourceError(self.name, "no bucket could be read: " + "; ".join(lines or sorted(failed)))
        return lines


EXTRACTORS = {cls.name: cls for cls in (TrailsExtractor, SageMakerExtractor, CloudWatchExtractor, IamExtractor,
                                         S3SettingsExtractor)}


def make_snapshot_extractor(name: str, source: AwsSource | None = None,
                            config: Config | None = None) -> AwsSnapshotExtractor:
    """The extractor of the ``kind = "aws"`` source ``name`` (trails, sagemaker, cloudwatch, iam, s3)."""
    try:
        return EXTRACTORS[name](source, config)
    except KeyError:
        raise SourceError(name, f'no AWS snapshot extractor for this source (known: {", ".join(EXTRACTORS)})') from None


def _cap(errors: list[str]) -> list[str]:
    if len(errors) <= _MAX_ERROR_LINES:
        return errors
    return errors[:_MAX_ERROR_LINES] + [f"… and {len(errors) - _MAX_ERROR_LINES} more errors like these"]
