"""``findings.sarif``: the findings as SARIF 2.1.0, for code-scanning dashboards and security tooling.

Built from the findings document (:func:`auditreport.report.findings.findings_document`), so it says what
findings.json says:

- one rule per check: ``id``, ``name``, short description (the title), full description, ``help`` (the
  remediation), ``defaultConfiguration.level`` from the severity, and ``properties`` with ``severity``,
  ``security-severity`` (the number code-scanning dashboards sort by), ``frameworks`` and ``tags``;
- one result per failing row: ``level`` from the check's severity, ``message`` the row's reason, a logical location
  naming the resource, and the evidence it came from where the row names it: ``source_key`` as a physical location
  relative to ``SOURCE_ROOT`` (described in ``originalUriBaseIds``; an ``s3://`` key is absolute), with
  ``record_index`` in the location's properties, and ``source_keys`` as related locations; the row's fingerprint
  from findings.json (its identity across runs) as ``partialFingerprints``;
- a tool execution notification for every check in ``error`` or ``no_data`` and every source ``unavailable`` or
  ``partial``, so a check that could not run is never silently missing; ``executionSuccessful`` is false when the
  report is incomplete.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

from ._io import atomic_write_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning's scale (0.0-10.0, as CVSS): critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)$", re.S)
SOURCE_ROOT = "SOURCE_ROOT"  # the uriBaseId of an evidence key that is a path below its source's root


def artifact_uri(key: str) -> str:
    """An evidence key (a path below its source's root, or an ``s3://`` URI) as a URI reference: every character a
    URI cannot hold percent-encoded, so a key with spaces, ``#`` or ``:`` still names one artifact."""
    m = _SCHEME.match(key)
    if m:
        return m.group(1) + quote(m.group(2), safe="/")
    return quote(key, safe="/")


def artifact_location(key: str) -> dict:
    """A key below a source's root is relative to :data:`SOURCE_ROOT`; an ``s3://`` URI stands alone."""
    uri = artifact_uri(key)
    return {"uri": uri} if _SCHEME.match(key) else {"uri": uri, "uriBaseId": SOURCE_ROOT}


def _text(value, fallback: str) -> str:
    if value is None or value == "":
        return fallback
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _rule(check: dict) -> dict:
    frameworks = check["frameworks"]
    return {
        "id": check["id"],
        "name": check["id"],
        "shortDescription": {"text": check["title"]},
        "fullDescription": {"text": check["description"] or check["title"]},
        "help": {"text": check["remediation"] or "No remediation is given for this check."},
        "defaultConfiguration": {"level": LEVELS.get(check["severity"], "warning")},
        "properties": {
            "severity": check["severity"],
            "security-severity": SECURITY_SEVERITY.get(check["severity"], "5.5"),
            "frameworks": frameworks,
            "tags": ["compliance", check["domain"]]
            + [f"{fw}:{req}" for fw, reqs in frameworks.items() for req in reqs],
            "kind": check["kind"],
            "origin": check["origin"],
        },
    }


def _locations(row: dict) -> tuple[list[dict], list[dict]]:
    """The row's location (the resource, and the evidence object when the row names one) and related locations
    (every evidence object of a row that names several)."""
    location: dict = {"logicalLocations": [{"name": _text(row.get("resource"), "(no resource)"),
                                            "fullyQualifiedName": _text(row.get("resource"), "(no resource)"),
                                            "kind": "resource"}]}  # fmt: skip
    key = row.get("source_key")
    if isinstance(key, str) and key:
        location["physicalLocation"] = {"artifactLocation": artifact_location(key)}
        index = row.get("record_index")
        location["properties"] = {"source_key": key, **({"record_index": index} if isinstance(index, int) else {})}
    related = []
    keys = row.get("source_keys")
    if isinstance(keys, list):
        for n, k in enumerate((k for k in keys if isinstance(k, str) and k), start=1):
            related.append({"id": n, "physicalLocation": {"artifactLocation": artifact_location(k)},
                            "message": {"text": f"evidence object {n} of this finding"},
                            "properties": {"source_key": k}})  # fmt: skip
    return [location], related


def _fingerprint(check: dict, number: int, row: dict) -> str:
    """The finding's identity across runs: the row fingerprint findings.json gives it (check, resource, account,
    region, event id; never times or text), which the report's trend uses too."""
    prints = check.get("row_fingerprints") or []
    if len(prints) >= number:
        return prints[number - 1]
    return hashlib.sha256(f"{check['id']}\0{_text(row.get('resource'), '')}".encode("utf-8")).hexdigest()[:24]


def _results(check: dict, rule_index: int) -> list[dict]:
    out = []
    for number, row in enumerate(check["rows"], start=1):
        if row.get("status") != "fail":
            continue
        locations, related = _locations(row)
        result = {
            "ruleId": check["id"],
            "ruleIndex": rule_index,
            "kind": "fail",
            "level": LEVELS.get(check["severity"], "warning"),
            "message": {"text": _text(row.get("reason"), f"{check['title']}: failed for {row.get('resource')}.")},
            "locations": locations,
            "partialFingerprints": {"auditreportFinding/v1": _fingerprint(check, number, row)},
            "properties": {"row": number, "evidence_file": check["evidence_file"]},
        }
        if related:
            result["relatedLocations"] = related
        out.append(result)
    return out


def _notifications(doc: dict, rule_index: dict[str, int]) -> list[dict]:
    out = []
    for check in doc["checks"]:
        if check["status"] in ("error", "no_data"):
            what = "could not run" if check["status"] == "error" else "had no evidence to check (not a pass)"
            out.append({
                "level": "error" if check["status"] == "error" else "warning",
                "message": {"text": f"check '{check['id']}' {check['status']}: {what}: {check['message']}"},
                "associatedRule": {"id": check["id"], "index": rule_index[check["id"]]},
                "properties": {"status": check["status"]},
            })  # fmt: skip
    for source in doc["sources"]:
        if source["status"] in ("unavailable", "partial"):
            out.append({"level": "error" if source["status"] == "unavailable" else "warning",
                        "message": {"text": f"source '{source['name']}' {source['status']}: {source['detail']}"},
                        "properties": {"source": source["name"], "status": source["status"]}})  # fmt: skip
    return out


def sarif_document(doc: dict) -> dict:
    """The SARIF 2.1.0 log of one run, from its findings document."""
    checks = doc["checks"]
    rule_index = {c["id"]: i for i, c in enumerate(checks)}
    invocation = {
        "executionSuccessful": bool(doc["complete"]),
        "startTimeUtc": doc["started_at"],
        "toolExecutionNotifications": _notifications(doc, rule_index),
    }
    if doc["finished_at"]:
        invocation["endTimeUtc"] = doc["finished_at"]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": doc["tool"]["name"], "version": doc["tool"]["version"],
                                "semanticVersion": doc["tool"]["version"],
                                "rules": [_rule(c) for c in checks]}},
            "automationDetails": {"id": f"auditreport/{doc['period']['label']}/{doc['run_id']}"},
            "originalUriBaseIds": {SOURCE_ROOT: {"description": {"text": (
                "The root of the source an evidence key belongs to: the CloudTrail folder or s3://bucket/prefix "
                "above AWSLogs/, or the AWS API snapshot folder (see the sources in findings.json).")}}},
            "invocations": [invocation],
            "results": [r for c in checks for r in _results(c, rule_index[c["id"]])],
            "columnKind": "unicodeCodePoints",
            "properties": {"organisation": doc["organisation"], "period": doc["period"]["label"],
                           "complete": doc["complete"], "incomplete_reasons": doc["incomplete_reasons"]},
        }],  # fmt: skip
    }


def write_sarif(doc: dict, path: Path) -> Path:
    atomic_write_text(path, json.dumps(sarif_document(doc), indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    return path
