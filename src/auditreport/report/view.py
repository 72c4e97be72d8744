"""The template's view of a RunResult: ordered, inverted, capped and formatted, so templates stay plain markup."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..checks.frameworks import Framework
from ..checks.model import SEVERITIES, CheckResult, View
from ..results import InputFile, RunResult
from .coverage import trail_coverage
from .evidence_rows import EvidenceView, RowView, evidence_view
from .order import columns_of, evidence_filename, report_order, severity_rank
from .figures import charts
from .model_cards import model_cards
from .outcome import TOP_FINDINGS, lead_reason, outcome
from .values import CELL_LIMIT, TEXT_LIMIT, display_text, human_utc


# Worst first: the status a requirement takes from its checks.
ROLLUP_ORDER = ["fail", "error", "no_data", "pass", "info"]
NOT_ASSESSED = "not_assessed"  # the status of a framework requirement no check maps to: never a pass
NOT_ASSESSED_TEXT = 110  # characters of an unassessed requirement's text: one line of the PDF

QUARANTINE_COLUMNS = ["source", "object_key", "record_index", "reason", "detail"]

SOURCE_STATUS_LABEL = {"ok": "OK", "partial": "PARTIAL", "unavailable": "UNAVAILABLE", "not_configured": "NOT CONFIGURED"}


@dataclass
class FindingView:
    id: str
    anchor: str
    title: str
    severity: str
    kind: str
    domain: str
    status: str
    message: str | None
    description: str | None
    remediation: str | None
    frameworks: list[tuple[str, str, list[str]]]  # (framework id, name, requirement ids)
    counts: dict[str, int]
    total_rows: int
    evidence: EvidenceView  # the rows shown, laid out for the HTML table and the PDF's listing
    evidence_file: str | None
    has_reason: bool
    sql: str
    sql_sha256: str
    path: str
    origin: str = "built-in"  # "user": a check of the configuration's checks_dir

    @property
    def rows(self) -> list[RowView]:
        return self.evidence.rows

    @property
    def hidden_rows(self) -> int:
        return self.evidence.hidden_rows


@dataclass
class RequirementView:
    id: str
    text: str | None
    status: str
    checks: list[FindingView]
    in_framework: bool = True


@dataclass
class FrameworkView:
    id: str
    anchor: str
    name: str
    requirements: list[RequirementView]  # those with mapped checks
    total_requirements: int | None  # in the framework file; None when no file was given
    unmapped: int | None  # requirements of the framework file that no check maps to
    rollup_counts: dict[str, int] = field(default_factory=dict)
    not_assessed: list[RequirementView] = field(default_factory=list)  # those no check maps to, in file order
    version: str | None = None
    note: str | None = None
    user_file: str | None = None  # the framework file, when it came from the configuration's frameworks_dir


@dataclass
class SharedView:
    id: str
    path: str
    description: str
    sql: str
    sql_sha256: str
    read_by: list[str]  # ids of the run's checks that read it, directly or through another view


def _rollup(statuses: list[str]) -> str:
    for s in ROLLUP_ORDER:
        if s in statuses:
            return s
    return "info"


def period_long(result: RunResult) -> str:
    p = result.period
    last = (p.end - timedelta(days=1)).date()
    return f"{p.long_name} ({p.start.date().isoformat()} – {last.isoformat()} UTC)"


def _finding(cr: CheckResult, fw_names: dict[str, str], cap: int) -> FindingView:
    c = cr.check
    ev = evidence_view(cr, cap)
    return FindingView(
        id=c.id,
        anchor=f"check-{c.id}",
        title=c.title,
        severity=c.severity,
        kind=c.kind,
        domain=c.domain,
        status=cr.status,
        message=display_text(cr.message, TEXT_LIMIT) if cr.message else None,
        description=(c.description or "").strip() or None,
        remediation=(c.remediation or "").strip() or None,
        frameworks=[(fw, fw_names.get(fw, fw), list(reqs)) for fw, reqs in c.frameworks.items()],
        counts=cr.counts,
        total_rows=ev.total_rows,
        evidence=ev,
        evidence_file=f"evidence/{evidence_filename(c.id)}" if ev.total_rows else None,
        has_reason="reason" in columns_of(cr),
        sql=c.sql,
        sql_sha256=hashlib.sha256(c.sql.encode("utf-8")).hexdigest(),
        path=str(c.path) if c.origin == "user" or not c.domain else f"queries/{c.domain}/{c.id}.sql",
        origin=c.origin,
    )


def _first_line(text: str | None, limit: int) -> str | None:
    """``text`` on one line of at most about ``limit`` characters, cut at a word with an ellipsis."""
    text = display_text(" ".join((text or "").split()))
    if not text or len(text) <= limit:
        return text or None
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:—–-") + "…"


def _frameworks(findings: list[FindingView], frameworks: dict[str, Framework]) -> list[FrameworkView]:
    mapped: dict[str, dict[str, list[FindingView]]] = {}
    for f in findings:
        for fw_id, _name, reqs in f.frameworks:
            for rid in reqs:
                mapped.setdefault(fw_id, {}).setdefault(str(rid), []).append(f)
    # every framework loaded (one no check maps to says so), then ids the checks name that have no definition
    order = list(frameworks) + sorted(fw for fw in mapped if fw not in frameworks)
    out = []
    for fw_id in order:
        fw = frameworks.get(fw_id)
        texts = dict(fw.requirements) if fw is not None else {}
        by_req = mapped.get(fw_id, {})
        req_ids = [r for r in texts if r in by_req] + sorted(r for r in by_req if r not in texts)
        reqs = []
        for rid in req_ids:
            checks = sorted(by_req[rid], key=lambda f: (ROLLUP_ORDER.index(f.status) if f.status in ROLLUP_ORDER else 9,
                                                         severity_rank(f.severity), f.id))
            reqs.append(RequirementView(id=rid, text=display_text(texts.get(rid)), status=_rollup([f.status for f in checks]),
                                        checks=checks, in_framework=(fw is None or rid in texts)))
        counts = {s: 0 for s in ROLLUP_ORDER}
        for r in reqs:
            counts[r.status] += 1
        # listed, not only counted: a reader must see which requirements this report says nothing about
        not_assessed = [RequirementView(id=rid, text=_first_line(text, NOT_ASSESSED_TEXT), status=NOT_ASSESSED, checks=[])
                        for rid, text in texts.items() if rid not in by_req]
        out.append(FrameworkView(
            id=fw_id,
            anchor=f"fw-{fw_id}",
            name=fw.name if fw is not None else fw_id,
            requirements=reqs,
            total_requirements=len(texts) if fw is not None else None,
            unmapped=len(not_assessed) if fw is not None else None,
            rollup_counts=counts,
            not_assessed=not_assessed,
            version=fw.version if fw is not None else None,
            note=display_text(fw.note, TEXT_LIMIT) if fw is not None and fw.note else None,
            user_file=str(fw.user_file) if fw is not None and fw.user_file is not None else None,
        ))
    return out


def _source(s) -> dict:
    return {
        "name": s.name,
        "kind": s.kind,
        "status": s.status,
        "status_label": SOURCE_STATUS_LABEL.get(s.status, s.status.upper()),
        "location": display_text(s.location) or None,
        "detail": display_text(s.detail, TEXT_LIMIT) or None,
        "objects_read": s.objects_read,
        "objects_loaded": s.objects_loaded,
        "objects_quarantined": s.objects_quarantined,
        "objects_skipped": s.objects_skipped,
        "records_loaded": s.records_loaded,
        "records_quarantined": s.records_quarantined,
        "has_records": bool(s.records_loaded),
        "time_min": human_utc(s.time_min).removesuffix(" UTC") or None,
        "time_max": human_utc(s.time_max).removesuffix(" UTC") or None,
        "tables": list(s.tables),
        "days": None if s.days is None else {"present": s.days.present, "expected": s.days.expected,
                                             "missing": s.days.missing_text(limit=6) or None},  # fmt: skip
    }


def _count_by(rows: list[dict], *keys: str) -> list[tuple]:
    counts: dict[tuple, int] = {}
    for r in rows:
        k = tuple(str(r.get(key) or "") for key in keys)
        counts[k] = counts.get(k, 0) + 1
    return [(*k, n) for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


NOT_AS_READ = ("quarantined", "changed")  # statuses report.pdf's Appendix B always lists


@dataclass
class InputSelection:
    """report.pdf's Appendix B: the inputs not loaded as read, then those the shown evidence rows cite (each input
    once, in the first list it belongs to; each list by source and key; together at most the cap)."""

    not_as_read: list[InputFile]
    cited: list[InputFile]
    not_as_read_total: int
    cited_total: int
    cited_keys: int  # distinct keys the shown rows cite
    unmatched_keys: int  # of those, how many name no input the run recorded


def select_inputs(inputs: list[InputFile], findings: list[FindingView], cap: int) -> InputSelection:
    """From ``inputs`` (sorted by source and key), those report.pdf lists: every input quarantined or changed, and
    every input whose key an evidence row of ``findings`` (those whose rows the PDF shows) cites; at most ``cap``.
    Skipped inputs (unchanged since an earlier run loaded them) are listed only when cited: a re-run skips the most
    of a month, and an unchanged object is no exception."""
    keys = frozenset().union(*(f.evidence.cited_keys for f in findings))
    not_as_read = [i for i in inputs if i.status in NOT_AS_READ]
    cited = [i for i in inputs if i.status not in NOT_AS_READ and i.key in keys]
    shown = not_as_read[:cap]
    return InputSelection(not_as_read=shown, cited=cited[:cap - len(shown)], not_as_read_total=len(not_as_read),
                          cited_total=len(cited), cited_keys=len(keys),
                          unmatched_keys=len(keys - {i.key for i in inputs}))


def _words(sql: str) -> frozenset[str]:
    """The words of ``sql`` (maximal runs of word characters): a view id (``[a-z][a-z0-9_]*``) is read where it is
    one of them, as ``\\bid\\b`` would find it, but each text is scanned once, not once per view."""
    return frozenset(re.findall(r"\w+", sql))


def shared_views(result: RunResult) -> list[SharedView]:
    """The catalogue's shared views that the run's checks read, directly or through another view (none without a
    catalogue), in creation order: Appendix A shows them beside the check SQL, since they are part of what ran."""
    views: dict[str, View] = result.catalogue.views if result.catalogue is not None else {}
    body_words = {v: _words(view.body) for v, view in views.items()}
    reads_views = {v: [u for u in views if u != v and u in body_words[v]] for v in views}  # view -> views it reads
    readers: dict[str, set[str]] = {v: set() for v in views}
    for cr in result.checks:
        words = _words(cr.check.sql)
        todo = [v for v in views if v in words]
        while todo:
            v = todo.pop()
            if cr.check.id not in readers[v]:
                readers[v].add(cr.check.id)
                todo += reads_views[v]
    return [
        SharedView(id=v.id, path=f"queries/_views/{v.id}.sql", description=v.description, sql=v.sql,
                   sql_sha256=hashlib.sha256(v.sql.encode("utf-8")).hexdigest(), read_by=sorted(readers[v.id]))
        for v in views.values() if readers[v.id]
    ]


def build_context(
    result: RunResult,
    frameworks: dict[str, Framework],
    generated_at: datetime,
    evidence_row_cap: int,
    quarantine_row_cap: int,
    input_row_cap: int,
) -> dict:
    fw_names = {fid: fw.name for fid, fw in frameworks.items()}
    findings = [_finding(cr, fw_names, evidence_row_cap) for cr in report_order(result.checks)]
    detailed = [f for f in findings if f.status != "pass"]
    passing = [f for f in findings if f.status == "pass"]
    failing = [f for f in findings if f.status == "fail"]
    not_verified_checks = [f for f in findings if f.status in ("error", "no_data")]
    not_verified_sources = [_source(s) for s in result.sources if s.status in ("unavailable", "partial", "not_configured")]
    fws = _frameworks(findings, frameworks)

    quarantine = sorted(result.quarantine, key=lambda q: (str(q.get("source") or ""), str(q.get("object_key") or ""),
                                                         q.get("record_index") if q.get("record_index") is not None else -1))
    inputs = sorted(result.inputs, key=lambda i: (i.source, i.key))
    input_status: dict[tuple[str, str], int] = {}
    for i in inputs:
        input_status[(i.source, i.status)] = input_status.get((i.source, i.status), 0) + 1

    toc = [("summary", "1", "Executive summary", 1, None)]
    toc.append(("frameworks", "2", "Results by framework", 1, None))
    toc += [(fw.anchor, "", fw.name, 2, None) for fw in fws]
    toc.append(("findings", "3", "Findings", 1, None))
    toc += [(f.anchor, "", f"{f.title}", 2, f.status) for f in detailed]
    if passing:
        toc.append(("passing", "", f"Passing checks ({len(passing)})", 2, "pass"))
    models = model_cards(result)
    toc.append(("models", "4", "Models in production", 1, None))
    toc += [(c.anchor, "", f"{c.title}: " + (f"{len(c.violations)} failing check{'s' if len(c.violations) != 1 else ''}"
                                             if c.violations else "no finding"), 2, None) for c in models]
    toc.append(("sources", "5", "Data sources and limitations", 1, None))
    toc.append(("appendix-sql", "A", "Appendix A: check SQL", 1, None))
    toc.append(("appendix-inputs", "B", "Appendix B: input files", 1, None))
    toc.append(("appendix-lake", "C", "Appendix C: policy parameters and the lake", 1, None))
    toc.append(("appendix-integrity", "D", "Appendix D: integrity", 1, None))

    return {
        "title": f"ML Platform Compliance Report: {result.organisation}, {result.period.label}",
        "organisation": result.organisation,
        "period_label": result.period.label,
        "period_long": period_long(result),
        "run_id": result.run_id,
        "tool_version": result.tool_version,
        "generated_at": human_utc(generated_at),
        "generated_at_iso": generated_at.isoformat(),
        "started_at": human_utc(result.started_at),
        "finished_at": human_utc(result.finished_at) or None,
        "config_path": result.config_path,
        "config_sha256": result.config_sha256,
        "complete": result.complete,
        "incomplete_reasons": [display_text(r, TEXT_LIMIT) for r in result.incomplete_reasons],
        "status_counts": result.status_counts(),
        "failing_by_severity": result.failing_by_severity(),
        "outcome": outcome(result.status_counts(), result.failing_by_severity(), len(findings), result.complete),
        "top_findings": [(f, lead_reason(f)) for f in failing[:TOP_FINDINGS]],
        "charts": charts(result),
        "models": models,
        "model_policy": {k: ", ".join(map(str, result.policy.get(f"production_{k}") or [])) or "none configured"
                         for k in ("aliases", "stages")},
        "severities": SEVERITIES,
        "total_checks": len(findings),
        "findings": findings,
        "shared_views": shared_views(result),
        "detailed": detailed,
        "passing": passing,
        "failing": failing,
        "not_verified_checks": not_verified_checks,
        "not_verified_sources": not_verified_sources,
        "frameworks": fws,
        "sources": [_source(s) for s in result.sources],
        "trail_coverage": trail_coverage(result),
        "quarantine": [{k: display_text(q.get(k), CELL_LIMIT) for k in QUARANTINE_COLUMNS} for q in quarantine[:quarantine_row_cap]],
        "quarantine_total": len(quarantine),
        "quarantine_by_reason": _count_by(quarantine, "source", "reason"),
        "inputs": inputs[:input_row_cap],  # report.html's table
        "pdf_inputs": select_inputs(inputs, detailed, input_row_cap),
        "inputs_total": len(inputs),
        "input_status": sorted(input_status.items()),
        # spaced: a long list wraps between its items, not anywhere inside one (WeasyPrint breaking a line of 3,000
        # characters with no space re-measures the rest of it at every line)
        "policy": sorted((k, display_text(v, spaced=True)) for k, v in result.policy.items()),
        "table_counts": sorted(result.table_counts.items()),
        # the stages before the report: its own outputs are being written (and timed) while it renders
        "timings": [(k, v) for k, v in list(result.timings.items()) if not k.startswith("report")],
        "evidence_row_cap": evidence_row_cap,
        "cell_limit": CELL_LIMIT,
        "toc": toc,
        # the run's digests (write_reports sets them before rendering); empty strings when rendered on its own
        "integrity": {"inputs_sha256": "", "findings_sha256": "", "report_pdf_signed": False, **result.integrity},
    }
