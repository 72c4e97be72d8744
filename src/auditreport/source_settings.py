"""The settings of one configured source (a ``[sources.<name>]`` table), one model per kind of source.

Each extractor is given only its own settings. The few values a source takes from elsewhere in the configuration
(CloudWatch's ML log-group prefixes from ``[policy]``, the S3 source's trail bucket from ``[sources.cloudtrail]``)
are filled in by its record in :mod:`auditreport.sources` before the extractor sees them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SourceSettings(BaseModel):
    """Strict, as ``[policy]`` is: a string is not a number, a number not a string, a list holds strings."""

    model_config = ConfigDict(extra="forbid", strict=True)
    kind: str


class FilesSettings(SourceSettings):
    """Evidence already on disk in the canonical layout (the sample month, or an ``aws s3 sync``)."""

    kind: Literal["files"]
    path: Path = Field(strict=False)  # TOML has no path type: the one coercion allowed, a string to a path


class S3TrailSettings(SourceSettings):
    """CloudTrail log and digest files read from the trail bucket."""

    kind: Literal["s3"]
    uri: str
    organization_id: str | None = None
    accounts: list[str] | None = None  # default: [aws].accounts, else discovered from the bucket
    regions: list[str] | None = None  # default: [aws].regions, else discovered
    bucket_account: str | None = None  # the account whose credentials read the bucket; default: the first account

    @field_validator("uri")
    @classmethod
    def _s3_uri(cls, v: str) -> str:
        if not v.startswith("s3://") or len(v) <= 5:
            raise ValueError(f"'{v}' is not an s3://bucket[/prefix] URI")
        return v

    @property
    def bucket(self) -> str:
        return parse_s3_uri(self.uri)[0]


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
