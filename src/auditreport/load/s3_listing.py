"""The oldest CloudTrail objects of a bucket (``ListObjectsV2/<bucket>.json``, written by ``extract/s3_log_listing``)
-> ``s3_trail_log_listings``: one row per ``<account>/CloudTrail[-Digest]/<region>/`` prefix."""

from __future__ import annotations

import re
from datetime import datetime

from .snapshot import as_dict, as_list, parse_time

_PREFIX = re.compile(r"(?:^|/)AWSLogs/(?:o-[a-z0-9]+/)?(\d{12})/(CloudTrail|CloudTrail-Digest)/([a-z0-9-]+)/$")
_DAY = re.compile(r"^(\d{4})/(\d{2})/(\d{2})/")


def listing_rows(body: dict) -> list[dict]:
    """Rows without the bucket and provenance columns. A prefix not of the CloudTrail layout raises."""
    rows = []
    for i, listing in enumerate(as_list(body["Listings"])):
        listing = as_dict(listing)
        prefix = listing.get("Prefix")
        m = _PREFIX.search(prefix) if isinstance(prefix, str) else None
        if not m:
            raise ValueError(f"listing {i}: prefix {prefix!r} is not <account>/CloudTrail[-Digest]/<region>/")
        contents = as_list(listing.get("Contents") or [])
        first = as_dict(contents[0]) if contents else {}
        key = first.get("Key")
        if key is not None and not (isinstance(key, str) and key.startswith(prefix)):
            raise ValueError(f"listing {i}: key {key!r} is not below its prefix")
        day = _DAY.match(key[len(prefix):]) if key else None
        try:
            key_date = datetime(int(day[1]), int(day[2]), int(day[3])) if day else None
        except ValueError:
            key_date = None  # a folder that is no date: shown, and judged as no dated object
        rows.append({
            "record_index": i, "prefix": prefix, "log_account_id": m[1],
            "kind": "log" if m[2] == "CloudTrail" else "digest", "region": m[3],
            "object_count_listed": len(contents), "oldest_key": key, "oldest_key_date": key_date,
            "oldest_last_modified": parse_time(first.get("LastModified")),
        })  # fmt: skip
    return rows
