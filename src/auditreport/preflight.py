"""``auditreport preflight``: before the 1st of the month, can the credentials reach every configured source?

``preflight(config, period) -> PreflightResult``: each configured source's extractor, built by its record in the
registry exactly as a run builds it, probes what it would read (``extractor.probe(period)``, declared beside its
calls: :mod:`auditreport.extract.probe`). Nothing is written. The CLI prints one line per source and a summary, and
exits 0 when every source answered, 2 when one is denied, unreachable, in error, or holds no evidence for the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .extract.probe import SourceProbe
from .period import Period
from .results import EXIT_INCOMPLETE, EXIT_OK
from .sources import SOURCES

POLICY_DOCUMENT = "docs/iam-policy.json"
_SHOWN = 3  # failed calls named on a source's line


@dataclass
class PreflightResult:
    period: Period
    sources: list[SourceProbe] = field(default_factory=list)
    not_configured: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_INCOMPLETE

    def needed_actions(self) -> list[str]:
        """The IAM actions AWS refused (``docs/iam-policy.json`` grants each of them)."""
        return sorted({a for s in self.sources for a in s.needed_actions()})

    def lines(self) -> list[str]:
        """One line per configured source, then the summary line."""
        out = [source_line(s) for s in self.sources]
        counts: dict[str, int] = {}
        for s in self.sources:
            counts[s.status] = counts.get(s.status, 0) + 1
        summary = (f"preflight {self.period.label}: {len(self.sources)} source(s) configured: "
                   + ", ".join(f"{n} {status}" for status, n in counts.items()))  # fmt: skip
        if self.not_configured:
            summary += f"; not configured: {', '.join(self.not_configured)}"
        needed = self.needed_actions()
        if needed:
            summary += f"; the credentials need {', '.join(needed)} (granted in {POLICY_DOCUMENT})"
        return out + [summary]


def source_line(probe: SourceProbe) -> str:
    """``<source> <status> <where>: <what failed, or what was found>``."""
    calls = probe.calls
    failed = probe.failed
    if failed:
        what = "; ".join(c.line() for c in failed[:_SHOWN])
        what += f" (+{len(failed) - _SHOWN} more)" if len(failed) > _SHOWN else ""
        what += f" [{len(calls) - len(failed)} of {len(calls)} call(s) answered]"
    else:
        what = "; ".join(probe.empty + probe.notes) or f"{len(calls)} call(s) answered"
    return f"{probe.source:<11} {probe.status:<11} {probe.kind:<5} {probe.location}: {what}"


def preflight(config: Config, period: Period) -> PreflightResult:
    """Probe every configured source with the configuration's credentials; nothing is written."""
    result = PreflightResult(period=period)
    for source in SOURCES.values():
        settings = source.settings_for(config)
        if settings is None:
            result.not_configured.append(source.name)
            continue
        result.sources.append(source.extractor(settings, config.aws).probe(period))
    return result
