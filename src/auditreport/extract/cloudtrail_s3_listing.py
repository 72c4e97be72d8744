"""The period's objects of a trail bucket, listed and not downloaded: for the Spark ingest
(:mod:`auditreport.engines.spark_ingest`), whose tasks read the objects themselves.

The same day prefixes as :class:`.cloudtrail_s3.S3CloudTrailExtractor` plans (accounts, regions, organisation
folders, one day either side of the period), listed ``[aws].max_concurrency`` at a time with the same pages and the
same error lines: a day prefix that cannot be listed is named (every one failing is a source error), and a
configured account without a log object in the period is missing evidence.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..errors import SourceError
from .aws_session import AWS_ERRORS, error_line
from .base import ExtractContext
from .cloudtrail_s3 import Listed, S3CloudTrailExtractor, cap_errors, list_page, missing_accounts


@dataclass
class TrailListing:
    """What :func:`list_trail_bucket` found: the bucket, whose credentials read it, and its objects."""

    bucket: str
    account: str | None  # the account whose credentials read the bucket (None: the credentials at hand)
    region: str  # the S3 client's region
    objects: list[Listed]  # key order; rel is the key below the source's prefix (AWSLogs/...)
    errors: list[str]


def list_trail_bucket(extractor: S3CloudTrailExtractor, ctx: ExtractContext) -> TrailListing:
    """The objects of the period in the bucket of ``extractor`` (one trail: one ``uri``)."""
    src, aws, source = extractor.settings, extractor.aws, extractor.name
    if src.trails:
        raise SourceError(source, "several trail buckets ([[sources.cloudtrail.trails]]) are not listed for the "
                                  "Spark ingest; give one uri")  # fmt: skip
    s3, bucket, prefix, accounts, account, region, day_prefixes = extractor.connect_and_plan(ctx)

    def day(day_prefix: str) -> tuple[list[Listed], str | None]:
        found, token = [], None
        while True:
            try:
                page, token = list_page(s3, bucket, prefix, day_prefix, token)
            except AWS_ERRORS as e:
                return found, f"s3://{bucket}/{day_prefix}: " + error_line(e, account, region, "ListObjectsV2")
            found += page
            if not token:
                return found, None

    with ThreadPoolExecutor(max_workers=max(1, aws.max_concurrency), thread_name_prefix="cloudtrail-list") as pool:
        days = list(pool.map(day, day_prefixes))
    listed = sorted((o for found, _ in days for o in found), key=lambda o: o.key)
    errors = [e for _, e in days if e]
    if day_prefixes and len(errors) == len(day_prefixes):
        raise SourceError(source, errors[0] if len(errors) == 1 else
                          f"{errors[0]} (and every other day prefix: {len(errors)} failed)")  # fmt: skip
    errors += missing_accounts(listed, accounts, ctx, src.uri, src.organization_id)
    return TrailListing(bucket, account, region, listed, cap_errors(errors))
