"""``junit.xml``: the checks as JUnit XML, for CI systems that gate on test reports.

Built from the findings document. One ``<testsuite>`` per check domain, one ``<testcase>`` per check
(``classname`` ``auditreport.<domain>``, ``name`` the check id):

- ``fail``: a ``<failure>`` whose message gives the count of failing rows, with the first reasons in its text;
- ``error``: an ``<error type="error">`` with the check's message;
- ``no_data``: an ``<error type="no_data">`` too, never ``<skipped>``: most CI gates count skipped tests as
  success, and a check without evidence has not passed;
- ``pass`` and ``info``: a passing testcase.

A last ``<testsuite name="sources">`` holds one testcase per source: ``unavailable`` or ``partial`` is an
``<error>``, ``not_configured`` is ``<skipped>`` (a choice of the configuration; the checks that need the source
are then ``no_data`` errors themselves).

Log text reaches the XML only as escaped character data: control, bidirectional and zero-width characters are
shown as ``⟨U+202E⟩`` (as in the HTML), and characters XML 1.0 cannot hold at all are written the same way, so
the file always parses.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ._io import atomic_write_bytes
from .values import reveal_invisible

FIRST_REASONS = 5  # reasons quoted in a <failure>'s text; the rest are in evidence/<check>.csv
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """Text XML 1.0 can hold, with nothing a reader could not see."""
    text = reveal_invisible("" if value is None else str(value))
    return _NOT_XML.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", text)


def _time(seconds: float) -> str:
    return f"{max(seconds, 0):.3f}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, {k.rstrip("_"): xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _failure_text(check: dict) -> str:
    failing = [(n, r) for n, r in enumerate(check["rows"], start=1) if r.get("status") == "fail"]
    lines = [f"#{n} {r.get('resource')}: {r.get('reason')}" for n, r in failing[:FIRST_REASONS]]
    if len(failing) > FIRST_REASONS:
        lines.append(f"... and {len(failing) - FIRST_REASONS} more failing row(s) in {check['evidence_file']}")
    lines.append(f"Remediation: {check['remediation']}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, check: dict) -> str:
    case = _sub(suite, "testcase", name=check["id"], classname=f"auditreport.{check['domain']}",
                time=_time(check["duration_s"]))  # fmt: skip
    status = check["status"]
    if status == "fail":
        n, total = check["row_counts"]["fail"], len(check["rows"])
        _sub(case, "failure", _failure_text(check), type=check["severity"],
             message=f"{n} failing row(s) of {total}: {check['title']}")  # fmt: skip
    elif status in ("error", "no_data"):
        why = "the check could not run" if status == "error" else "no evidence to check: not a pass"
        _sub(case, "error", check["message"], type=status, message=f"{status}: {why}: {check['message']}")
    return status


def _suite(parent: ET.Element, name: str, timestamp: str) -> ET.Element:
    return _sub(parent, "testsuite", name=name, tests="0", failures="0", errors="0", skipped="0", time="0.000",
                timestamp=timestamp)  # fmt: skip


def junit_tree(doc: dict) -> ET.Element:
    """The ``<testsuites>`` element of one run, from its findings document."""
    root = ET.Element("testsuites", {"name": xml_text(f"auditreport {doc['organisation']} {doc['period']['label']}")})
    totals = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    by_domain: dict[str, list[dict]] = {}
    for check in doc["checks"]:
        by_domain.setdefault(check["domain"], []).append(check)
    for domain in sorted(by_domain):
        suite = _suite(root, domain, doc["started_at"])
        props = _sub(suite, "properties")
        for name, value in (("organisation", doc["organisation"]), ("period", doc["period"]["label"]),
                            ("run_id", doc["run_id"]), ("complete", str(doc["complete"]).lower())):
            _sub(props, "property", name=name, value=value)
        counts = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
        for check in by_domain[domain]:
            status = _testcase(suite, check)
            counts["tests"] += 1
            counts["failures"] += status == "fail"
            counts["errors"] += status in ("error", "no_data")
            counts["time"] += check["duration_s"]
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", str(counts["errors"]))
        suite.set("time", _time(counts["time"]))
        for k in totals:
            totals[k] += counts[k]
    sources = _suite(root, "sources", doc["started_at"])
    errors = skipped = 0
    for source in doc["sources"]:
        case = _sub(sources, "testcase", name=source["name"], classname="auditreport.sources", time="0.000")
        if source["status"] in ("unavailable", "partial"):
            errors += 1
            _sub(case, "error", source["detail"], type=source["status"],
                 message=f"source '{source['name']}' {source['status']}: {source['detail']}")  # fmt: skip
        elif source["status"] == "not_configured":
            skipped += 1
            _sub(case, "skipped", message=f"source '{source['name']}' is not configured")
    sources.set("tests", str(len(doc["sources"])))
    sources.set("errors", str(errors))
    sources.set("skipped", str(skipped))
    totals["tests"] += len(doc["sources"])
    totals["errors"] += errors
    for k in ("tests", "failures", "errors"):
        root.set(k, str(totals[k]))
    root.set("time", _time(totals["time"]))
    return root


def junit_xml(doc: dict) -> bytes:
    root = junit_tree(doc)
    ET.indent(root, space=" ")
    buf = io.BytesIO()
    ET.ElementTree(root).write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue() + b"\n"


def write_junit(doc: dict, path: Path) -> Path:
    atomic_write_bytes(path, junit_xml(doc))
    return path
