"""The outcome a cold reader looks for first: how many checks failed and how badly, with completeness beside it
(never instead of it), and the top findings of the executive summary as plain sentences."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.model import SEVERITIES

TOP_FINDINGS = 6  # failing checks named in the one-page summary; the rest are counted and linked
LEAD_REASON_LIMIT = 160  # characters of a failing check's first reason in the summary


@dataclass(frozen=True)
class Outcome:
    level: str  # fail | open | pass: the colour of the cover's outcome box
    headline: str  # "17 of 23 checks failed"
    detail: str  # "8 critical, 6 high, 2 medium, 1 info"
    running_head: str  # the PDF's running header: "17 OF 23 FAILED · COMPLETE"


def outcome(status_counts: dict[str, int], failing_by_severity: dict[str, int], total: int, complete: bool) -> Outcome:
    failed, unverified = status_counts.get("fail", 0), status_counts.get("error", 0) + status_counts.get("no_data", 0)
    completeness = "COMPLETE" if complete else "INCOMPLETE"
    rest = (f"{status_counts.get('pass', 0)} passed, {unverified} not verified, "
            f"{status_counts.get('info', 0)} informational.")  # fmt: skip
    if failed:
        worst = next((s for s in SEVERITIES if failing_by_severity.get(s)), None)
        lead = f"{failing_by_severity[worst]} of them {worst}; " if worst in ("critical", "high") else ""
        return Outcome("fail", f"{failed} of {total} checks failed", lead + rest,
                       f"{failed} OF {total} FAILED · {completeness}")  # fmt: skip
    if unverified:
        return Outcome("open", f"No check failed; {unverified} of {total} could not be verified",
                       "A check that could not be verified is open, never passed.",
                       f"{unverified} OF {total} NOT VERIFIED · {completeness}")  # fmt: skip
    passed = status_counts.get("pass", 0)
    info = status_counts.get("info", 0)
    detail = f"{passed} passed" + (f", {info} informational" if info else "") + "."
    return Outcome("pass", f"No check failed: all {total} ran", detail, f"NONE OF {total} FAILED · {completeness}")


def lead_reason(finding) -> str | None:
    """The first failing row's reason of a failing check (rows come failing first), shortened for the summary."""
    for row in finding.rows:
        if row.status == "fail" and row.reason:
            text = " ".join(str(row.reason).split())
            if len(text) > LEAD_REASON_LIMIT:
                cut = text[:LEAD_REASON_LIMIT].rsplit(" ", 1)[0]
                if len(cut) < LEAD_REASON_LIMIT * 2 // 3:  # a long key or ARN: cut inside it rather than lose it
                    cut = text[:LEAD_REASON_LIMIT]
                text = cut.rstrip(" ,;:") + "…"
            return text  # already display text (RowView)
    return None
