"""``assessment-results.oscal.json``: the run as OSCAL Assessment Results, built with compliance-trestle's models
(NIST's OSCAL metaschema as pydantic classes: a document that breaks OSCAL's types and patterns cannot be made).

Built from the findings document; OSCAL version :func:`oscal_version` (trestle 3.x writes 1.1.3). One ``result``
for the period:

- ``reviewed-controls``: every framework requirement a check of the run maps to, as ``<framework>_<requirement>``
  control ids (OSCAL tokens: characters a token cannot hold become ``_``; the requirement as written is the
  target's title);
- one ``observation`` per check result (method ``TEST``): the check's status, severity and row counts as
  properties, the evidence CSV and every failing row (its resource, reason, and the raw object it came from) as
  ``relevant-evidence``; a check in ``error`` or ``no_data`` says so in its description, never as a pass;
- one ``finding`` per failing check and framework requirement it maps to (OSCAL gives a finding one target):
  ``target`` that requirement (``objective-id``, state ``not-satisfied``), related to the check's observation.

UUIDs are stable (:mod:`auditreport.report.ids`): the same check, organisation and period give the same
observation and finding UUIDs in every run; the document's and the result's UUIDs are the run's.

auditreport has no separate assessment plan (the check catalogue is the plan: every check's SQL and mappings are in
findings.json and the report's appendix), so ``import-ap`` names :data:`NO_ASSESSMENT_PLAN` and says so.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ._io import atomic_write_text
from .ids import stable_uuid
from .sarif import artifact_uri

NS = "https://auditreport.invalid/ns/oscal"  # auditreport's own property names (no host serves it: a name only)
NO_ASSESSMENT_PLAN = "urn:auditreport:assessment-plan:check-catalogue"
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]")


def oscal_version() -> str:
    from trestle.oscal import OSCAL_VERSION

    return OSCAL_VERSION


def control_token(framework: str, requirement: str) -> str:
    """``soc2`` + ``CC7.2`` -> ``soc2_CC7.2``; ``hipaa`` + ``164.312(b)`` -> ``hipaa_164.312_b_``."""
    token = _NOT_TOKEN.sub("_", f"{framework}_{requirement}")
    return token if re.match(r"[A-Za-z_]", token) else f"_{token}"


def _time(iso_z: str) -> datetime:
    return datetime.fromisoformat(iso_z.replace("Z", "+00:00"))


def _one_line(value) -> str:
    """A value OSCAL's ``string`` type holds: no leading or trailing space, never empty."""
    text = " ".join(str(value if value is not None else "").split())
    return text or "(none)"


def _observation(doc: dict, check: dict, common, uid: str):
    status, counts = check["status"], check["row_counts"]
    what = {
        "pass": "passed",
        "fail": f"failed: {counts['fail']} failing row(s) of {len(check['rows'])}",
        "info": f"reported {len(check['rows'])} row(s) for information",
        "error": f"could not run (error, not a pass): {check['message']}",
        "no_data": f"had no evidence to check (no_data, not a pass): {check['message']}",
    }[status]
    props = [common.Property(name=name, ns=NS, value=_one_line(value)) for name, value in (
        ("check-id", check["id"]), ("check-status", status), ("severity", check["severity"]),
        ("rows-failing", counts["fail"]), ("rows-passing", counts["pass"]), ("rows-info", counts["info"]))]  # fmt: skip
    evidence = []
    if check["evidence_file"]:
        evidence.append(common.RelevantEvidence(href=check["evidence_file"],
                                                description=f"Every evidence row of {check['id']} (CSV)."))  # fmt: skip
    for number, row in enumerate(check["rows"], start=1):
        if row.get("status") != "fail":
            continue
        key, index = row.get("source_key"), row.get("record_index")
        row_props = [common.Property(name="resource", ns=NS, value=_one_line(row.get("resource")))]
        if isinstance(index, int):
            row_props.append(common.Property(name="record-index", ns=NS, value=str(index)))
        evidence.append(common.RelevantEvidence(
            href=artifact_uri(key) if isinstance(key, str) and key else None,
            description=f"Row #{number}: {row.get('reason')}", props=row_props))  # fmt: skip
    return common.Observation(
        uuid=uid, title=f"{check['id']}: {check['title']}", description=f"The check {what}. {check['description']}",
        props=props, methods=["TEST"], types=["finding"] if status == "fail" else None,
        relevant_evidence=evidence or None, collected=_time(doc["generated_at"]),
        remarks=check["remediation"] or None,
    )  # fmt: skip


def assessment_results(doc: dict, frameworks: dict | None = None):
    """The trestle ``AssessmentResults`` model of one run."""
    from trestle.oscal import OSCAL_VERSION, common
    from trestle.oscal import assessment_results as ar

    frameworks = frameworks or {}
    org, period = doc["organisation"], doc["period"]["label"]
    mapped: dict[str, tuple[str, str]] = {}  # control token -> (framework, requirement)
    observations, findings = [], []
    for check in doc["checks"]:
        obs_uuid = stable_uuid("observation", org, period, check["id"])
        observations.append(_observation(doc, check, common, obs_uuid))
        for fw, reqs in check["frameworks"].items():
            for req in reqs:
                token = control_token(fw, req)
                mapped.setdefault(token, (fw, req))
                if check["status"] != "fail":
                    continue
                framework = frameworks.get(fw)
                text = getattr(framework, "requirements", {}).get(req) if framework is not None else None
                findings.append(common.Finding(
                    uuid=stable_uuid("finding", org, period, check["id"], fw, req),
                    title=f"{check['title']} ({getattr(framework, 'name', fw)} {req})",
                    description=(f"{check['row_counts']['fail']} failing row(s) of the check {check['id']} "
                                 f"({check['severity']}); the first: {_first_reason(check)}"),
                    target=common.FindingTarget(
                        type="objective-id", target_id=token, title=f"{getattr(framework, 'name', fw)} {req}",
                        description=text or None, status=common.ObjectiveStatus(state="not-satisfied")),
                    related_observations=[common.RelatedObservation(observation_uuid=obs_uuid)],
                    remarks=check["remediation"] or None,
                ))  # fmt: skip
    selection = common.ControlSelection(
        description="Every framework requirement a check of this run maps to.",
        include_controls=[common.SelectControlById(control_id=t) for t in mapped] or None)  # fmt: skip
    if selection.include_controls is None:
        selection = common.ControlSelection(description="No check of this run maps to a framework requirement.")
    result = ar.Result(
        uuid=stable_uuid("result", doc["run_id"]),
        title=f"auditreport checks of {period}",
        description=(f"{len(doc['checks'])} checks of {org} for {period}; the report is "
                     + ("complete." if doc["complete"] else "INCOMPLETE: " + "; ".join(doc["incomplete_reasons"]))),
        start=_time(doc["period"]["start"]), end=_time(doc["period"]["end"]),
        props=[common.Property(name="complete", ns=NS, value=str(doc["complete"]).lower()),
               common.Property(name="run-id", ns=NS, value=_one_line(doc["run_id"]))],
        reviewed_controls=common.ReviewedControls(control_selections=[selection]),
        observations=observations or None, findings=findings or None,
    )  # fmt: skip
    metadata = common.Metadata(
        title=f"auditreport assessment results: {_one_line(org)}, {period}",
        last_modified=_time(doc["generated_at"]), version=_one_line(doc["run_id"]), oscal_version=OSCAL_VERSION,
        props=[common.Property(name="tool", ns=NS, value=f"{doc['tool']['name']} {doc['tool']['version']}")],
        parties=[common.Party(uuid=stable_uuid("party", org), type="organization", name=_one_line(org))],
    )  # fmt: skip
    return ar.AssessmentResults(
        uuid=stable_uuid("assessment-results", doc["run_id"]), metadata=metadata,
        import_ap=ar.ImportAp(href=NO_ASSESSMENT_PLAN,
                              remarks="auditreport's check catalogue is the plan: each check's SQL, parameters and "
                                      "framework mappings are in findings.json and the report's appendix."),
        results=[result],
    )  # fmt: skip


def _first_reason(check: dict) -> str:
    row = next((r for r in check["rows"] if r.get("status") == "fail"), {})
    return str(row.get("reason") or "(no reason given)")


def write_oscal(doc: dict, path: Path, frameworks: dict | None = None) -> Path:
    model = assessment_results(doc, frameworks)
    atomic_write_text(path, model.oscal_serialize_json(pretty=True, wrapped=True) + "\n")
    return path
