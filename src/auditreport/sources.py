"""The source registry: one record per source of evidence, read by configuration, extraction, loading and the report.

A record names the source, the kinds it may be configured as (each with its settings model and extractor), its
loader, and how settings it borrows from elsewhere in the configuration are filled in. The lake tables it fills are
declared in ``lake/tables/<name>.py`` (``Table.source``). Extractors and loaders are imported only when a run uses
them, so reading a configuration never imports boto3.

Adding a source: a record here, ``extract/<name>.py``, ``load/<name>.py``, ``lake/tables/<name>.py`` and their tests
(CONTRIBUTING.md walks through it).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from . import lake
from .source_settings import (
    Aws,
    AwsApiSettings,
    CloudTrailFilesSettings,
    CloudWatchSettings,
    FilesSettings,
    MlflowRestSettings,
    S3BucketSettings,
    S3TrailSettings,
    SourceSettings,
)

# A "config" below is auditreport.config.Config, which imports this module to validate sources: it is passed in,
# never imported, so the two modules do not import each other.


def _import(target: str):
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(f"auditreport.{module}"), attr)


@dataclass(frozen=True)
class Kind:
    """One way a source can be configured: ``kind = "<name>"`` with these settings, read by this extractor."""

    settings: type[SourceSettings]
    extractor: str  # "module:Class" below auditreport
    uses_aws: bool = False  # the extractor takes (settings, aws): [aws] holds accounts, regions and credentials


@dataclass(frozen=True)
class Source:
    name: str
    description: str  # one line for the report's data-sources section
    kinds: dict[str, Kind]
    loader: str  # "module:Class" below auditreport: a Loader (auditreport.load.base)
    # settings borrowed from the rest of the configuration: (own settings, whole config) -> own settings
    derive: Callable[[Any, Any], Any] | None = field(default=None, compare=False)

    @property
    def tables(self) -> list[str]:
        """The lake tables this source fills (its bookkeeping rows aside)."""
        return lake.tables_of(self.name)

    def validate(self, body: Any) -> SourceSettings:
        """Settings of this source from its TOML table. Raises ValueError naming the key at fault."""
        if not isinstance(body, dict):
            raise ValueError(f"source '{self.name}' must be a table with a kind")
        kind = body.get("kind")
        if kind not in self.kinds:
            allowed = ", ".join(sorted(self.kinds))
            raise ValueError(f"source '{self.name}' cannot be kind '{kind}' (allowed: {allowed})")
        return self.kinds[kind].settings.model_validate(body)

    def settings_for(self, config: Any) -> SourceSettings | None:
        """This source's settings as its extractor sees them, borrowed values filled in; None when not configured."""
        own = config.sources.get(self.name)
        if own is None or self.derive is None:
            return own
        return self.derive(own.model_copy(deep=True), config)

    def extractor(self, settings: SourceSettings, aws: Aws):
        kind = self.kinds[settings.kind]
        cls = _import(kind.extractor)
        if isinstance(settings, FilesSettings):
            return cls(self.name, settings)
        return cls(settings, aws) if kind.uses_aws else cls(settings)

    def loader_instance(self):
        return _import(self.loader)()


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _cloudwatch_prefixes(own, config: Any):
    """The checks judge the policy's ML log groups, so those prefixes are always read, plus the source's own."""
    if isinstance(own, CloudWatchSettings):
        prefixes = _unique(list(config.policy.ml_log_group_prefixes) + list(own.log_group_prefixes or []))
        own.log_group_prefixes = [""] if "" in prefixes else prefixes
        _eks_audit_log_groups(own, config)
    return own


def _eks_audit_log_groups(own: CloudWatchSettings, config: Any) -> None:
    """With the eks source configured, the EKS log groups are described (their retention is judged) and the audit
    events of the policy's clusters are read: EKS writes them to /aws/eks/<cluster>/cluster."""
    if "eks" not in config.sources:
        return
    if own.log_group_prefixes != [""]:
        own.log_group_prefixes = _unique(own.log_group_prefixes + ["/aws/eks/"])
    own.event_log_groups = _unique(list(own.event_log_groups) + [f"/aws/eks/{c}/cluster" for c in config.policy.eks_clusters])


def _trail_bucket(own, config: Any):
    """The trail bucket's settings are evidence too: read it, with the account that owns it (and where its logs sit
    below a key prefix)."""
    cloudtrail = config.sources.get("cloudtrail")
    if isinstance(own, S3BucketSettings) and isinstance(cloudtrail, S3TrailSettings):
        for _name, trail in cloudtrail.each_trail():  # every trail bucket, when there are several
            own.buckets = _unique(own.buckets + [trail.bucket])
            own.log_uris = _unique(own.log_uris + [trail.uri])
            if trail.bucket_account:
                own.bucket_accounts = _unique(own.bucket_accounts + [trail.bucket_account])
    return own


FILES = Kind(FilesSettings, "extract.files:FilesExtractor")
CLOUDTRAIL_FILES = Kind(CloudTrailFilesSettings, "extract.cloudtrail_files:CloudTrailFilesExtractor")


def _aws(extractor: str, settings: type[SourceSettings] = AwsApiSettings) -> Kind:
    return Kind(settings, extractor, uses_aws=True)


SOURCES: dict[str, Source] = {s.name: s for s in [
    Source("cloudtrail", "CloudTrail log files and digest files from the trail bucket",
           {"files": CLOUDTRAIL_FILES, "s3": Kind(S3TrailSettings, "extract.cloudtrail_s3:S3CloudTrailExtractor", uses_aws=True)},
           loader="load.cloudtrail_source:CloudTrailSourceLoader"),
    Source("trails", "Trail settings (DescribeTrails, GetTrailStatus, GetEventSelectors) and CloudTrail public keys",
           {"files": FILES, "aws": _aws("extract.trails:TrailsExtractor")}, loader="load.trails:TrailsLoader"),
    Source("sagemaker", "SageMaker Model Registry and what is deployed on endpoints",
           {"files": FILES, "aws": _aws("extract.sagemaker:SageMakerExtractor")},
           loader="load.sagemaker:SageMakerLoader"),
    Source("cloudwatch", "CloudWatch log groups and the events of configured groups",
           {"files": FILES, "aws": _aws("extract.cloudwatch:CloudWatchExtractor", CloudWatchSettings)},
           loader="load.cloudwatch:CloudWatchLoader", derive=_cloudwatch_prefixes),
    Source("iam", "IAM users, roles, groups and their policies",
           {"files": FILES, "aws": _aws("extract.iam:IamExtractor")}, loader="load.iam:IamLoader"),
    Source("s3", "S3 bucket settings: versioning, object lock, lifecycle, public access block, policy; oldest log objects",
           {"files": FILES, "aws": _aws("extract.s3:S3SettingsExtractor", S3BucketSettings)},
           loader="load.s3:S3SettingsLoader", derive=_trail_bucket),
    Source("eks", "EKS clusters: control-plane logging, version and endpoint access",
           {"files": FILES, "aws": _aws("extract.eks:EksExtractor")}, loader="load.eks:EksLoader"),
    Source("mlflow", "MLflow Model Registry snapshots over its REST API",
           {"files": FILES, "rest": Kind(MlflowRestSettings, "extract.mlflow:MlflowRestExtractor")},
           loader="load.mlflow:MlflowLoader"),
]}  # fmt: skip

SOURCE_NAMES = list(SOURCES)
