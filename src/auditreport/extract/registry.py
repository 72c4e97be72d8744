"""Which extractor serves a configured source."""

from __future__ import annotations

from ..config import AwsSource, Config, FilesSource, MlflowRestSource, S3TrailSource
from .base import Extractor
from .files import FilesExtractor


def make_extractor(name: str, source, config: Config) -> Extractor:
    if isinstance(source, FilesSource):
        return FilesExtractor(name, source)
    if isinstance(source, S3TrailSource):
        from .s3_cloudtrail import S3CloudTrailExtractor

        return S3CloudTrailExtractor(source, config)
    if isinstance(source, AwsSource):
        from .aws_snapshots import make_snapshot_extractor

        return make_snapshot_extractor(name, source, config)
    if isinstance(source, MlflowRestSource):
        from .mlflow_rest import MlflowRestExtractor

        return MlflowRestExtractor(source, config)
    raise TypeError(f"no extractor for source '{name}' of kind {getattr(source, 'kind', '?')}")
