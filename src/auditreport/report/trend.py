"""Trend: which failing findings are new, resolved or persisting since the previous run.

A finding is one failing row, known across runs by its **fingerprint**: SHA-256 over the check id, the row's
``resource`` and, where the row has them, its ``account_id``, ``region`` and ``event_id`` (a bucket without
versioning is the same finding every month; each denied call is a finding of its own). The fingerprint never uses
times, counts or reason text, which change from run to run while the finding stays the same.

Earlier runs are read from the configuration's ``history_dir``: every findings document below it (a copy of an
earlier run's ``findings.json``, or whole earlier output folders). Each run is kept there as
``<period>-<run_id>.findings.json`` once its report is written, so a monthly schedule builds its own history. The
previous run is the latest earlier one (by period end, then generation time) whose period is as long as this one's
(as many calendar months) and does not end after it: a quarter is compared with the quarter before (or an earlier
run of the same quarter), never with the last month of its own, so the counts of new and resolved findings mean the
same at every length (the history a check's trend line draws holds runs of that length too). With no earlier run
of that length, there is no comparison, and the note says so. A finding the previous run failed is **resolved** only
when its check ran now and did not fail it; when the check could not run now (error, no data, no longer in the
catalogue) it is **not re-verified**, never resolved.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..results import RunResult
from .order import ordered_rows
from .values import iso_z

IDENTITY_COLUMNS = ("account_id", "region", "event_id")
RAN = ("pass", "fail", "info")


def fingerprint(check_id: str, row: dict) -> str:
    parts = [check_id, f"resource={row.get('resource')}"]
    parts += [f"{c}={row[c]}" for c in IDENTITY_COLUMNS if row.get(c) is not None]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class Finding:
    fingerprint: str
    check_id: str
    resource: str


@dataclass
class PastRun:
    run_id: str
    period: str
    period_end: str
    months: int  # calendar months of its period, from start to end
    generated_at: str
    path: Path
    failing: dict[str, Finding]  # fingerprint -> finding
    statuses: dict[str, str] = field(default_factory=dict)  # check id -> its status in that run


@dataclass
class Trend:
    previous: PastRun | None
    note: str  # why there is no comparison, or what was compared
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    persisting: list[Finding] = field(default_factory=list)
    not_reverified: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # history files skipped, each with its reason
    history: list[PastRun] = field(default_factory=list)  # every earlier run read, oldest first

    def series(self, check_id: str, now_failing: int | None, now_label: str) -> list[tuple[str, int | None]]:
        """Failing rows of ``check_id`` per run, oldest first, ending with this run's ``now_failing``; None for a
        run in which the check did not run (error, no data, not in its catalogue: nothing was verified, so no count);
        empty when there is no earlier run to draw a trend from."""
        if not self.history:
            return []
        past = [(f"{r.period} ({r.run_id})",
                 sum(1 for f in r.failing.values() if f.check_id == check_id)
                 if r.statuses.get(check_id) in RAN else None) for r in self.history]  # fmt: skip
        return past + [(now_label, now_failing)]

    def by_check(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for kind in ("new", "resolved", "persisting", "not_reverified"):
            for f in getattr(self, kind):
                out.setdefault(f.check_id, {"new": 0, "resolved": 0, "persisting": 0, "not_reverified": 0})[kind] += 1
        return out

    def as_dict(self) -> dict:
        p = self.previous
        listing = lambda fs: [{"fingerprint": f.fingerprint, "check_id": f.check_id, "resource": f.resource}  # noqa: E731
                              for f in fs]  # fmt: skip
        return {
            "previous_run": {"run_id": p.run_id, "period": p.period, "generated_at": p.generated_at,
                             "file": str(p.path)} if p else None,  # fmt: skip
            "note": self.note,
            "counts": {k: len(getattr(self, k)) for k in ("new", "resolved", "persisting", "not_reverified")},
            "by_check": self.by_check(),
            "new": listing(self.new), "resolved": listing(self.resolved), "persisting": listing(self.persisting),
            "not_reverified": listing(self.not_reverified),
            "unreadable_history": self.unreadable,
        }  # fmt: skip


def current_failing(result: RunResult) -> dict[str, Finding]:
    out = {}
    for cr in result.checks:
        for row in cr.failing_rows:
            fp = fingerprint(cr.check.id, row)
            out[fp] = Finding(fp, cr.check.id, str(row.get("resource")))
    return out


def row_fingerprints(cr) -> list[str]:
    """The fingerprint of every row of a check result, in report order (as findings.json lists the rows)."""
    return [fingerprint(cr.check.id, row) for row in ordered_rows(cr)]


def load_history(history_dir: Path) -> tuple[list[PastRun], list[str]]:
    """Every findings document below ``history_dir``, and the files that look like one but could not be read."""
    runs, unreadable = [], []
    for path in sorted(Path(history_dir).rglob("*.json")):
        if not (path.name == "findings.json" or path.name.endswith(".findings.json")):
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            failing = {}
            for c in doc["checks"]:
                for row in c["rows"]:
                    if row.get("status") == "fail":
                        fp = fingerprint(c["id"], row)
                        failing[fp] = Finding(fp, c["id"], str(row.get("resource")))
            runs.append(PastRun(doc["run_id"], doc["period"]["label"], doc["period"]["end"],
                                _months(doc["period"]["start"], doc["period"]["end"]), doc.get("generated_at") or "",
                                path, failing, {c["id"]: c.get("status") for c in doc["checks"]}))  # fmt: skip
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
            unreadable.append(f"{path}: not a findings document auditreport can read ({type(e).__name__}: {e})"[:300])
    return runs, unreadable


def compare(result: RunResult, history_dir: Path | None) -> Trend:
    if history_dir is None:
        return Trend(None, "No comparison with an earlier run: the configuration names no history_dir.")
    runs, unreadable = load_history(history_dir)
    end = iso_z(result.period.end)
    earlier = [r for r in runs if r.run_id != result.run_id and r.period_end <= end]
    same_length = [r for r in earlier if r.months == result.period.months]
    if not same_length:
        other = f" (it holds {len(earlier)} run(s) of periods of other lengths)" if earlier else ""
        length = "month" if result.period.months == 1 else f"{result.period.months}-month period"
        return Trend(None, f"No comparison with an earlier run: {history_dir} holds no earlier run of a {length}"
                     f"{other}.", unreadable=unreadable)  # fmt: skip
    earlier = sorted(same_length, key=lambda r: (r.period_end, r.generated_at, r.run_id))
    prev = earlier[-1]
    now = current_failing(result)
    status = {cr.check.id: cr.status for cr in result.checks}
    t = Trend(prev, f"Compared with run {prev.run_id} ({prev.period}).", unreadable=unreadable, history=earlier)
    t.new = [f for fp, f in now.items() if fp not in prev.failing]
    t.persisting = [f for fp, f in now.items() if fp in prev.failing]
    for fp, f in prev.failing.items():
        if fp not in now:
            (t.resolved if status.get(f.check_id) in RAN else t.not_reverified).append(f)
    for kind in ("new", "persisting", "resolved", "not_reverified"):
        getattr(t, kind).sort(key=lambda f: (f.check_id, f.resource, f.fingerprint))
    return t


def _months(start: str, end: str) -> int:
    """Calendar months from ``start`` to ``end`` (ISO 8601 times, the first instants of months)."""
    (y1, m1), (y2, m2) = ((int(t[:4]), int(t[5:7])) for t in (start, end))
    return (y2 * 12 + m2) - (y1 * 12 + m1)


def keep(findings_json: Path, result: RunResult, history_dir: Path) -> Path:
    """Copy this run's findings.json into the history folder, for the next run to compare with."""
    Path(history_dir).mkdir(parents=True, exist_ok=True)
    dest = Path(history_dir) / f"{result.period.slug}-{result.run_id}.findings.json"
    shutil.copyfile(findings_json, dest)
    return dest
