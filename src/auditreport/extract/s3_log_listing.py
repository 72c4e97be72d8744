"""The oldest CloudTrail object still in a bucket, per account, region and kind (log or digest): retention shown by
the data rather than by the settings.

S3 lists keys in lexicographic (UTF-8 binary) order, and CloudTrail's keys below ``<account>/CloudTrail/<region>/``
begin with ``YYYY/MM/DD/``, so the first key of ``ListObjectsV2(Prefix=<that prefix>, MaxKeys=1)`` is the oldest
day still present: one request per prefix, however many objects the bucket holds. The prefixes are discovered with
``Delimiter="/"`` below ``[<key prefix>]AWSLogs/[o-<org>/]<account>/``.
"""

from __future__ import annotations

from .aws_snapshot import paginate

KINDS = ("CloudTrail/", "CloudTrail-Digest/")


def _children(s3, bucket: str, prefix: str) -> list[str]:
    out: list[str] = []
    for page in paginate(s3, "list_objects_v2", Bucket=bucket, Prefix=prefix, Delimiter="/"):
        out += [p["Prefix"] for p in page.get("CommonPrefixes", []) if isinstance(p.get("Prefix"), str)]
    return out


def _account_prefixes(s3, bucket: str, key_prefix: str) -> list[str]:
    """``[<key prefix>]AWSLogs/<account>/`` for every account, below an organisation folder too."""
    out = []
    for child in _children(s3, bucket, key_prefix + "AWSLogs/"):
        name = child[len(key_prefix) + len("AWSLogs/"):].rstrip("/")
        if name.startswith("o-"):
            out += [c for c in _children(s3, bucket, child) if c[len(child):].rstrip("/").isdigit()]
        elif name.isdigit():
            out.append(child)
    return out


def oldest_log_objects(s3, bucket: str, key_prefixes: list[str]) -> dict:
    """``{"Listings": [...]}``: for each ``.../<account>/CloudTrail[-Digest]/<region>/`` prefix, the
    ``ListObjectsV2`` response with ``MaxKeys=1`` (``Prefix``, ``KeyCount``, ``Contents`` with the oldest key)."""
    listings = []
    for key_prefix in key_prefixes:
        for account in _account_prefixes(s3, bucket, key_prefix):
            for kind in KINDS:
                for region in _children(s3, bucket, account + kind):
                    body = s3.list_objects_v2(Bucket=bucket, Prefix=region, MaxKeys=1)
                    body.pop("ResponseMetadata", None)
                    listings.append({k: body.get(k) for k in ("Prefix", "KeyCount", "MaxKeys", "Contents")
                                     if k in body})
    return {"Listings": listings}
