"""Fast checks on the HTML alone (no PDF render)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from html import unescape

import pytest
from sample_run import make_frameworks, make_result

from auditreport.period import Period
from auditreport.report import render_html, write_reports
from auditreport.report.html import environment
from auditreport.results import InputFile, RunResult

NOW = datetime(2026, 11, 1, 2, 5, tzinfo=timezone.utc)


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", markup.replace("<wbr>", ""))))


def test_autoescape_is_always_on():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ v }}").render(v="<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_complete_run_says_complete():
    result = make_result()
    result.checks = [c for c in result.checks if c.status not in ("error", "no_data")]
    result.sources = [s for s in result.sources if s.status == "ok"]
    assert result.complete
    text = _text(render_html(result, make_frameworks(), NOW))
    assert "COMPLETE" in text and "INCOMPLETE" not in text
    assert "Nothing: every configured source was read" in text


def test_empty_run_renders():
    result = RunResult(run_id="r1", tool_version="0.1.0", organisation="Org", period=Period(2026, 2),
                       config_path="c.toml", config_sha256="0" * 64, started_at=datetime(2026, 3, 1))
    text = _text(render_html(result, None, NOW))
    assert "February 2026 (2026-02-01 – 2026-02-28 UTC)" in text
    assert "No check maps to a framework requirement" in text and "No sources recorded" in text


def test_frameworks_as_objects_and_without_definitions():
    @dataclass
    class Requirement:
        id: str
        text: str

    @dataclass
    class Framework:
        id: str
        name: str
        requirements: dict

    fws = {"soc2": Framework("soc2", "SOC 2", {"CC7.2": Requirement("CC7.2", "Monitoring of system components.")})}
    html = render_html(make_result(), fws, NOW)
    assert "Monitoring of system components." in html
    section = html[html.index('id="fw-soc2"'):]
    assert "Not listed in the framework file" in section[: section.index("</table>")]  # CC6.1, CC8.1
    bare = render_html(make_result(), None, NOW)
    assert "No framework definition was loaded for" in bare and 'id="fw-soc2"' in bare


def test_input_list_is_capped_with_pointer_to_manifest():
    result = make_result()
    result.inputs = [InputFile("cloudtrail", f"k/{i:04d}.json.gz", f"{i:064x}", 100) for i in range(620)]
    html = render_html(result, None, NOW, input_row_cap=500)
    section = html[html.index('id="appendix-inputs"'):html.index('id="appendix-lake"')]
    assert section.count("<tr class=\"input-") == 500
    assert "120 more in manifest.json" in _text(section)


def test_passing_detection_check_without_rows():
    text = _text(render_html(make_result(), None, NOW))
    assert "No violating rows (detection check: no rows means nothing was detected)" in text


def test_write_reports_without_pdf(tmp_path):
    outputs = write_reports(make_result(), tmp_path, make_frameworks(), evidence_row_cap=5, pdf=False, generated_at=NOW)
    assert "report_pdf" not in outputs and not (tmp_path / "report.pdf").exists()
    html = outputs["report_html"].read_text(encoding="utf-8")
    assert "35 more rows in evidence/sagemaker_deployed_without_approval.csv" in _text(html)
    with pytest.raises(ValueError):
        write_reports(make_result(), tmp_path, evidence_row_cap=0, pdf=False)


def test_check_text_is_escaped_too():
    result = make_result()
    cr = result.checks[0]
    result.checks[0] = replace(cr, check=replace(cr.check, title="Bucket <b>x</b>", remediation="<script>x</script>"))
    html = render_html(result, None, NOW)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_framework_without_mapped_checks_says_so():
    fws = make_frameworks()
    fws["hipaa"] = {"id": "hipaa", "name": "HIPAA Security Rule", "requirements": {"164.312(b)": "Audit controls."}}
    text = _text(render_html(make_result(), fws, NOW))
    assert "No check in this catalogue maps to HIPAA Security Rule" in text
