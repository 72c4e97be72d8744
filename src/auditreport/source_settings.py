"""The settings of one configured source (a ``[sources.<name>]`` table), one model per kind of source.

Each extractor is given only its own settings. The few values a source takes from elsewhere in the configuration
(CloudWatch's ML log-group prefixes from ``[policy]``, the S3 source's trail bucket from ``[sources.cloudtrail]``)
are filled in by its record in :mod:`auditreport.sources` before the extractor sees them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SourceSettings(BaseModel):
    """Strict, as ``[policy]`` is: a string is not a number, a number not a string, a list holds strings."""

    model_config = ConfigDict(extra="forbid", strict=True)
    kind: str


class FilesSettings(SourceSettings):
    """Evidence already on disk in the canonical layout (the sample month, or an ``aws s3 sync``)."""

    kind: Literal["files"]
    path: Path = Field(strict=False)  # TOML has no path type: the one coercion allowed, a string to a path

    def resolve_paths(self, base: Path) -> None:
        """Relative paths made relative to ``base`` (the configuration file's folder)."""
        if not self.path.is_absolute():
            self.path = (base / self.path).resolve()


# -- CloudTrail: one trail (the single-bucket form) or several ([[sources.cloudtrail.trails]]) -----------------------

TRAIL_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # a folder name under OUT/raw/cloudtrail/ and a key's first part


class _Trail(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(pattern=TRAIL_NAME)  # kept with every record loaded from it (cloudtrail_events.trail)

    @field_validator("name")
    @classmethod
    def _not_awslogs(cls, v: str) -> str:
        if v == "AWSLogs":
            raise ValueError("'AWSLogs' is the CloudTrail key layout's own folder, not a trail name")
        return v


def _unique_names(trails: list) -> None:
    names = [t.name for t in trails]
    if len(set(names)) != len(names):
        raise ValueError(f"trails: names must be unique, '{next(n for n in names if names.count(n) > 1)}' repeats")


class FilesTrail(_Trail):
    path: Path = Field(strict=False)


class CloudTrailFilesSettings(FilesSettings):
    """CloudTrail files on disk: one folder (``path``) or one folder per trail (``trails``)."""

    path: Path | None = Field(None, strict=False)
    trails: list[FilesTrail] = []

    @model_validator(mode="after")
    def _one_form(self) -> "CloudTrailFilesSettings":
        if (self.path is None) == (not self.trails):
            raise ValueError("give path (one folder) or trails (one [[sources.cloudtrail.trails]] per trail), exactly one")
        _unique_names(self.trails)
        return self

    def resolve_paths(self, base: Path) -> None:
        if self.path is not None:
            super().resolve_paths(base)
        for t in self.trails:
            if not t.path.is_absolute():
                t.path = (base / t.path).resolve()


def _s3_uri(v: str) -> str:
    if not v.startswith("s3://") or len(v) <= 5:
        raise ValueError(f"'{v}' is not an s3://bucket[/prefix] URI")
    return v


class S3Trail(_Trail):
    uri: str
    organization_id: str | None = None
    accounts: list[str] | None = None  # default: [aws].accounts, else discovered from the bucket
    regions: list[str] | None = None  # default: [aws].regions, else discovered
    bucket_account: str | None = None  # the account whose credentials read the bucket; default: the first account

    @field_validator("uri")
    @classmethod
    def _s3_uri(cls, v: str) -> str:
        return _s3_uri(v)


class S3TrailSettings(SourceSettings):
    """CloudTrail log and digest files read from the trail bucket (``uri``), or from several trail buckets
    (``trails``, each with its own accounts and regions), loaded into one lake with each record's trail kept."""

    kind: Literal["s3"]
    uri: str | None = None
    organization_id: str | None = None
    accounts: list[str] | None = None  # default: [aws].accounts, else discovered from the bucket
    regions: list[str] | None = None  # default: [aws].regions, else discovered
    bucket_account: str | None = None  # the account whose credentials read the bucket; default: the first account
    trails: list[S3Trail] = []

    @field_validator("uri")
    @classmethod
    def _s3_uri(cls, v: str | None) -> str | None:
        return None if v is None else _s3_uri(v)

    @model_validator(mode="after")
    def _one_form(self) -> "S3TrailSettings":
        if (self.uri is None) == (not self.trails):
            raise ValueError("give uri (one trail bucket) or trails (one [[sources.cloudtrail.trails]] per trail), "
                             "exactly one")
        if self.trails and (self.organization_id or self.accounts or self.regions or self.bucket_account):
            raise ValueError("with trails, organization_id, accounts, regions and bucket_account go in each trail")
        _unique_names(self.trails)
        return self

    def each_trail(self) -> list[tuple[str | None, "S3TrailSettings"]]:
        """(trail name, the settings of one bucket) per trail; the single-bucket form is one trail without a name."""
        if not self.trails:
            return [(None, self)]
        return [(t.name, S3TrailSettings(kind="s3", **t.model_dump(exclude={"name"}))) for t in self.trails]

    @property
    def bucket(self) -> str:
        """The bucket of the single-bucket form."""
        return parse_s3_uri(self.uri)[0]

    @property
    def uris(self) -> list[str]:
        return [s.uri for _, s in self.each_trail()]


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix/")``; the prefix is ``""`` or ends with ``/``."""
    rest = uri[len("s3://"):] if uri.startswith("s3://") else uri
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    return bucket, (prefix + "/" if prefix else "")


class AwsApiSettings(SourceSettings):
    """Snapshots of AWS API responses, read with the credentials of ``[aws]``."""

    kind: Literal["aws"]


class CloudWatchSettings(AwsApiSettings):
    log_group_prefixes: list[str] | None = None  # read besides policy.ml_log_group_prefixes
    event_log_groups: list[str] = []  # groups whose events are read for the period


class S3BucketSettings(AwsApiSettings):
    buckets: list[str] = []  # buckets whose settings are read (the trail bucket of sources.cloudtrail is added)
    bucket_accounts: list[str] = []  # accounts that own buckets, besides [aws].accounts (log-archive accounts)
    # s3://bucket/prefix where a trail writes AWSLogs/ below a key prefix (the cloudtrail source's uri is added);
    # every bucket read is listed for AWSLogs/ at its root too
    log_uris: list[str] = []


class MlflowRestSettings(SourceSettings):
    """The MLflow tracking server's REST API."""

    kind: Literal["rest"]
    tracking_uri: str
    timeout_seconds: float = Field(30, gt=0)


class Aws(BaseModel):
    """``[aws]``: the accounts, regions and credentials every live AWS source reads with. Strict: ``max_attempts =
    "8"`` is refused, not read as 8."""

    model_config = ConfigDict(extra="forbid", strict=True)

    accounts: list[str] = []
    regions: list[str] = []
    profile: str | None = None
    role_arn: str | None = None  # e.g. arn:aws:iam::{account}:role/AuditReportReader
    external_id: str | None = None
    endpoint_url: str | None = None  # for a test server (moto); never set in production
    max_concurrency: int = Field(8, ge=1, le=64)
    max_attempts: int = Field(8, ge=1)

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, v: list[str]) -> list[str]:
        for a in v:
            if not (len(a) == 12 and a.isdigit()):
                raise ValueError(f"'{a}' is not a 12-digit AWS account id")
        return v
