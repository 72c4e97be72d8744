"""``findings.ocsf.json``: one OCSF Compliance Finding event (class 2003, category Findings) per check result.

Built from the findings document; OCSF schema version :data:`OCSF_VERSION`. Each event carries:

- ``compliance``: ``control`` (the check id), ``requirements`` (``<framework>:<requirement>`` for every mapping),
  ``standards`` (the frameworks' names), ``status`` / ``status_id`` (pass -> Pass, fail -> Fail, info -> Other
  "Info", and error or no_data -> Unknown with the reason in ``status_details``: missing evidence is never a Pass);
- ``severity_id`` from the check's severity, ``finding_info`` with a stable ``uid`` (the same for the same check,
  organisation and period in every run), title and description, ``remediation``;
- ``resources``: the failing rows' resources for a failing check, every row's for the others, each with the row's
  status, reason, row number, fingerprint (its identity across runs, from findings.json) and the evidence it names
  (``source_key``, ``record_index``) in ``data``;
- ``unmapped.auditreport``: the run id, the check's status and row counts and its evidence CSV.

The finding's own ``status_id`` is 1 (New) for every event: auditreport reports a month, it does not track the
lifecycle of a finding.
"""

from __future__ import annotations

import json
from pathlib import Path

from ._io import atomic_write_text
from .ids import epoch_ms, stable_uuid

OCSF_VERSION = "1.8.0"
CLASS_UID, CLASS_NAME = 2003, "Compliance Finding"
CATEGORY_UID, CATEGORY_NAME = 2, "Findings"
ACTIVITY_CREATE = 1
SEVERITY_IDS = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
                "critical": (5, "Critical")}  # fmt: skip
COMPLIANCE_STATUS = {"pass": (1, "Pass"), "fail": (3, "Fail"), "info": (99, "Info"), "error": (0, "Unknown"),
                     "no_data": (0, "Unknown")}  # fmt: skip


def _resources(check: dict) -> list[dict]:
    rows = [(n, r) for n, r in enumerate(check["rows"], start=1)
            if check["status"] != "fail" or r.get("status") == "fail"]  # fmt: skip
    out = []
    for number, row in rows:
        resource = row.get("resource")
        data = {"status": row.get("status"), "reason": row.get("reason"), "row": number}
        prints = check.get("row_fingerprints") or []
        if len(prints) >= number:
            data["fingerprint"] = prints[number - 1]  # the finding's identity across runs, as findings.json gives it
        for key in ("source_key", "record_index", "source_keys"):
            if row.get(key) is not None:
                data[key] = row[key]
        item: dict = {"data": data}
        if resource is None:  # OCSF wants a uid or a name
            item["name"] = "(no resource)"
        else:
            item["uid"] = resource if isinstance(resource, str) else json.dumps(resource, ensure_ascii=False)
        if isinstance(row.get("account_id"), str):
            item["owner"] = {"account": {"uid": row["account_id"], "type": "AWS Account", "type_id": 10}}
        out.append(item)
    return out


def ocsf_event(doc: dict, check: dict, frameworks: dict | None = None) -> dict:
    """The Compliance Finding event of one check result."""
    frameworks = frameworks or {}
    severity_id, severity = SEVERITY_IDS.get(check["severity"], (0, "Unknown"))
    status_id, status = COMPLIANCE_STATUS[check["status"]]
    compliance = {
        "control": check["id"],
        "desc": check["title"],
        "requirements": [f"{fw}:{req}" for fw, reqs in check["frameworks"].items() for req in reqs],
        "standards": [getattr(frameworks.get(fw), "name", fw) for fw in check["frameworks"]],
        "status": status,
        "status_id": status_id,
    }
    if check["status"] in ("error", "no_data"):
        compliance["status_details"] = [f"{check['status']}: {check['message']}"]
    counts = check["row_counts"]
    message = {"fail": f"{counts['fail']} failing row(s) of {len(check['rows'])}: {check['title']}",
               "pass": f"passed: {check['title']}",
               "info": f"{len(check['rows'])} row(s) for information: {check['title']}",
               "error": f"the check could not run: {check['message']}",
               "no_data": f"no evidence to check (not a pass): {check['message']}"}[check["status"]]  # fmt: skip
    created = epoch_ms(doc["generated_at"])
    uid = stable_uuid("finding", doc["organisation"], doc["period"]["label"], check["id"])
    return {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": CATEGORY_NAME,
        "class_uid": CLASS_UID,
        "class_name": CLASS_NAME,
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": f"{CLASS_NAME}: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": 1,
        "status": "New",
        "time": created,
        "start_time": epoch_ms(doc["period"]["start"]),
        "end_time": epoch_ms(doc["period"]["end"]) - 1,  # the period's last millisecond: end is exclusive
        "message": message,
        "metadata": {
            "version": OCSF_VERSION,
            "uid": stable_uuid("event", doc["run_id"], check["id"]),
            "product": {"name": doc["tool"]["name"], "vendor_name": doc["tool"]["name"],
                        "version": doc["tool"]["version"]},
            "log_name": "findings",
        },  # fmt: skip
        "finding_info": {
            "uid": uid,
            "title": check["title"],
            "desc": check["description"] or check["title"],
            "created_time": created,
            "types": [check["domain"]],
            "product_uid": check["id"],
        },
        "compliance": compliance,
        "remediation": {"desc": check["remediation"] or "No remediation is given for this check."},
        "resources": _resources(check),
        "unmapped": {"auditreport": {"run_id": doc["run_id"], "organisation": doc["organisation"],
                                     "period": doc["period"]["label"], "check_status": check["status"],
                                     "row_counts": counts, "evidence_file": check["evidence_file"]}},
    }  # fmt: skip


def ocsf_events(doc: dict, frameworks: dict | None = None) -> list[dict]:
    return [ocsf_event(doc, c, frameworks) for c in doc["checks"]]


def write_ocsf(doc: dict, path: Path, frameworks: dict | None = None) -> Path:
    text = json.dumps(ocsf_events(doc, frameworks), indent=1, ensure_ascii=False, allow_nan=False)
    atomic_write_text(path, text + "\n")
    return path
