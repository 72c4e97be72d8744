"""Stable identifiers for the interchange formats (OCSF, OSCAL): the same check of the same organisation and period
gets the same UUID in every run, so a re-run of a month replaces its results in a consumer rather than duplicating
them. A failing row's identity across months is its fingerprint in findings.json (:mod:`.trend`)."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:auditreport")


def stable_uuid(*parts: str) -> str:
    """A version-5 UUID of ``parts`` in auditreport's namespace."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def epoch_ms(iso_z: str) -> int:
    """Milliseconds since the epoch of an ISO 8601 UTC time as findings.json writes it (``...Z``)."""
    from datetime import datetime

    return round(datetime.fromisoformat(iso_z.replace("Z", "+00:00")).timestamp() * 1000)
