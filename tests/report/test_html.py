"""html.py: the report HTML, rendered from one template set, self-contained and escaped."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from report_support import NOW, scripts, section, squash, tags, text
from sample_run import (
    BURST,
    IMG,
    LONG_ARN,
    PRODUCTION,
    REPORT_ORDER,
    RETENTION,
    ROOT,
    SCRIPT,
    UNAPPROVED,
    catalogue,
    make_result,
)

from auditreport.period import Period
from auditreport.report import render_html
from auditreport.report.html import _size, content_security_policy, environment, render_documents, report_script
from auditreport.results import InputFile, RunResult


def render(result: RunResult, **kw) -> str:
    return render_html(result, catalogue().frameworks, NOW, **kw)


def render_pdf_html(result: RunResult, **kw) -> str:
    """The HTML report.pdf is rendered from (report.html's, with Appendix A an index and Appendix B as text lines)."""
    return render_documents(result, catalogue().frameworks, NOW, **kw).pdf_html


def test_autoescape_is_always_on():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ v }}").render(v="<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert env.from_string("{{ v|colname }}").render(v="model_package_arn") == "model_<wbr>package_<wbr>arn"
    assert _size(512) == "512 B" and _size(3 * 1024 * 1024) == "3.0 MiB" and _size(None) == ""


def test_complete_run_says_complete():
    result = make_result()
    result.checks = [c for c in result.checks if c.status not in ("error", "no_data")]
    result.sources = [s for s in result.sources if s.status == "ok"]
    assert result.complete
    shown = text(render(result))
    assert "COMPLETE" in shown and "INCOMPLETE" not in shown
    assert "Nothing: every configured source was read" in shown


def test_empty_run_renders():
    result = RunResult(run_id="r1", tool_version="0.1.0", organisation="Org", period=Period(2026, 2),
                       config_path="c.toml", config_sha256="0" * 64, started_at=datetime(2026, 3, 1))
    shown = text(render_html(result, {}, NOW))
    assert "February 2026 (2026-02-01 – 2026-02-28 UTC)" in shown
    assert "No check maps to a framework requirement" in shown and "No sources recorded" in shown


def test_pdf_input_list_is_capped_with_pointer_to_manifest():
    result = make_result()
    result.inputs = [InputFile("cloudtrail", f"k/{i:04d}.json.gz", f"{i:064x}", 100, status="quarantined")
                     for i in range(620)]
    cited = [InputFile("mlflow", f"runs/{i:02d}.json", f"{1000 + i:064x}", 100, 1) for i in range(30)]
    result.inputs += cited + [InputFile("mlflow", "runs/uncited.json", "e" * 64, 100, 1)]
    burst = next(cr for cr in result.checks if cr.check.id == BURST)
    burst.rows[0]["source_keys"] = [i.key for i in cited]
    part = section(render_pdf_html(result, input_row_cap=500), "appendix-inputs", "appendix-lake")
    blocks = re.findall(r"<pre>\n?(.*?)</pre>", part[part.index('<div class="inputs-list">'):], flags=re.DOTALL)
    assert len(blocks) == 1 + 25 and blocks[0].split() == ["#", "source", "status", "records", "size", "SHA-256", "key"]
    listed = "\n".join(blocks[1:])  # the lines, in blocks of 20 inputs
    assert [line.split()[0] for line in listed.splitlines()[0::2]] == [str(n) for n in range(1, 501)]
    assert [line.split()[0] for line in listed.splitlines()[1::2]] == [f"k/{i:04d}.json.gz" for i in range(500)]
    assert f"{499:064x}" in listed and f"{500:064x}" not in listed and "runs/00.json" not in part
    shown = squash(text(part))
    assert "the 620 not loaded as read (quarantined or changed), then the 30 others cited by" in shown
    assert ("Showing the first 500 of these 650 input files. 120 more not loaded as read and 30 more cited are in "
            "manifest.json") in shown
    assert "report.html the first 500 by source and key" in shown
    # report.html lists the first 500 of every input as a table, which a browser sorts and filters
    page = section(render(result, input_row_cap=500), "appendix-inputs", "appendix-lake")
    assert page.count("<tr class=\"input-") == 500 and f"{499:064x}" in page and f"{500:064x}" not in page
    assert "151 more in manifest.json" in text(page)


def test_pdf_input_list_holds_inputs_not_loaded_as_read_then_those_evidence_cites():
    result = make_result()
    keys = [i.key for i in result.inputs if i.status == "loaded"]
    burst = next(cr for cr in result.checks if cr.check.id == BURST)
    burst.rows[0]["source_key"] = keys[4]
    part = section(render_pdf_html(result), "appendix-inputs", "appendix-lake")
    groups = part[part.index('<div class="inputs-list">'):]
    not_as_read, cited = groups.split("Cited by evidence rows (1)")
    assert "Not loaded as read (1)" in not_as_read and "AWSLogs/x/broken.json.gz" in not_as_read
    assert keys[4] in cited and f"{4:064x}" in cited
    assert keys[0] not in part and f"{0:064x}" not in part  # loaded and cited by no row shown
    shown = squash(text(part))
    assert ("The run read 31 input files; the table counts them by source and status. Listed below with their SHA-256 "
            "as read: the 1 not loaded as read (quarantined or changed), then the 1 other cited by the evidence rows "
            "section 3 shows") in shown
    assert "report.html every one in a table" in shown and "name no input" not in shown
    burst.rows[0]["source_key"] = "AWSLogs/gone.json.gz"
    shown = squash(text(section(render_pdf_html(result), "appendix-inputs", "appendix-lake")))
    assert "1 of the 1 keys those rows cite name no input the run recorded." in shown
    assert "Not loaded as read (1)" in shown and "Cited by evidence rows" not in shown


def test_input_list_lines_keep_log_text_as_text():
    result = make_result()
    result.inputs = [InputFile("cloudtrail", f"k/{SCRIPT}\u202e.json.gz", "a" * 64, 100, status="quarantined")]
    listed = section(render_pdf_html(result), "appendix-inputs", "appendix-lake")
    assert SCRIPT not in listed and "k/&lt;script&gt;alert(1)&lt;/script&gt;⟨U+202E⟩.json.gz" in listed
    assert "quarantined" in listed


def test_passing_detection_check_without_rows():
    assert "No violating rows (detection check: no rows means nothing was detected)" in text(render(make_result()))


def test_check_text_is_escaped_too():
    result = make_result()
    cr = result.checks[0]
    result.checks[0] = replace(cr, check=replace(cr.check, title="Bucket <b>x</b>", remediation="<script>x</script>"))
    html = render(result)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# ---------- the session's report.html ----------

def test_html_is_self_contained(html: str):
    found = tags(html)
    assert not {t for t, _ in found} & {"link", "img", "iframe", "object", "embed", "base"}
    # one script, ours, inline; the page's Content-Security-Policy lets that one run and nothing be fetched
    assert scripts(html) == [({}, report_script())] and [t for t, _ in found].count("script") == 1
    csp = [a["content"] for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [content_security_policy(report_script())] and csp[0].startswith("default-src 'none';")
    for tag, attrs in found:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert not re.match(r"(?i)\s*(https?:|//|javascript:|file:|data:)", href), href
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "@import" not in html and "url(" not in html
    assert '<link href="http' not in html and 'src="http' not in html
    assert len(re.findall(r"<style>", html)) == 1


def test_html_escapes_attacker_controlled_text(html: str):
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=" in html


def test_html_reveals_invisible_and_bidi_characters(html: str):
    assert "\u202e" not in html
    assert "evil\u27e8U+202E\u27e9txt.exe" in html


def test_html_caps_evidence_and_names_the_csv(html: str):
    article = section(html, f"check-{UNAPPROVED}")
    article = article[: article.index("</article>")]
    assert article.count('class="erow ') == 25
    assert f"15 more rows in evidence/{UNAPPROVED}.csv" in squash(article)
    assert f'href="evidence/{UNAPPROVED}.csv"' in article
    # failing rows first: the 13 failing rows, then passing ones
    statuses = re.findall(r'class="erow erow-(\w+)"', article)
    assert statuses[:13] == ["fail"] * 13 and set(statuses[13:]) == {"pass"}
    # long ARNs are shown whole (wrapped by CSS), not cut
    assert LONG_ARN.replace("/17", "/1") in article


def test_html_lists_findings_in_report_order(html: str):
    positions = [html.index(f'id="check-{cid}"') for cid in REPORT_ORDER]
    assert positions == sorted(positions)


def test_cover_leads_with_the_outcome_and_states_completeness_beside_it(html: str):
    cover = text(section(html, "cover", "contents"))
    headline = re.search(r"(\d+) of (\d+) checks failed", cover)
    assert headline and cover.index(headline.group(0)) < cover.index("Evidence incomplete")
    summary = text(section(html, "summary", "frameworks"))
    assert "Top findings" in summary and "Frameworks" not in summary  # mappings live per check and in section 2


def test_html_cover_and_incomplete_banner(html: str):
    shown = text(html)
    assert "<title>ML Platform Compliance Report: Example Corp ML Platform, 2026-10</title>" in html
    assert "October 2026 (2026-10-01 – 2026-10-31 UTC)" in shown
    assert "INCOMPLETE" in shown and "20261101T020000Z-5f3a9c" in shown and "9" * 64 in shown
    assert "source 'cloudwatch' unavailable" in shown


def test_html_says_what_was_not_verified(html: str):
    shown = text(section(html, "not-verified", "frameworks"))
    for item in (PRODUCTION, RETENTION, "cloudwatch", "s3", "NOT CONFIGURED", "UNAVAILABLE", "not a pass"):
        assert item in shown, item
    assert ROOT not in shown and BURST not in shown


def test_html_sources_quarantine_and_limitations(html: str):
    part = section(html, "sources", "appendix-sql")
    assert "&lt;script&gt;" in part
    shown = text(part)
    assert "AccessDeniedException" in shown and "245,110" in shown and "2026-10-31 23:59:41" in shown
    assert "Showing 50 of 60 entries" in shown and "lake table quarantine" in shown
    assert "user_id" in shown and "observed between T1 and T2" in shown and "CloudTrail" in shown


def test_html_appendices_show_the_check_sql_and_the_shared_views_it_reads(html: str):
    shown = text(section(html, "appendix-sql"))
    for cr in make_result().checks:
        assert f'id="sql-{cr.check.id}"' in html
    assert "$period_start" in shown and "queries/model_governance/sagemaker_endpoint_unapproved_package.sql" in shown
    views = section(html, "sql-views", "appendix-inputs")
    assert 'id="view-cloudtrail_events_unique"' in views and 'id="view-sagemaker_model_packages_current"' in views
    assert 'id="view-sagemaker_approval_events"' not in views  # no check of this run reads it
    assert "row_number() over (partition by event_id" in views
    assert "f" * 64 in shown  # an input's SHA-256
    assert "auditreport sql --out DIR" in shown and "duckdb DIR/audit.duckdb" in shown
    assert "min_log_retention_days" in shown and "cloudtrail_events" in shown


def test_a_trend_every_check_shares_is_said_once_and_a_real_one_per_check(tmp_path):
    from auditreport.report import write_reports
    from auditreport.report.trend import compare

    once = "<strong>Trend</strong>, for every check: First run, no trend (no history_dir configured)."
    findings = section(render(make_result()), "findings", "models")
    assert once in findings and 'class="fm trend-spark"' not in findings
    earlier = make_result()
    earlier.period, earlier.run_id = Period(2026, 9), "sep"
    write_reports(earlier, tmp_path / "sep", generated_at=NOW, pdf=False, history_dir=tmp_path / "h", keep_history=True)
    findings = section(render(make_result(), trend=compare(make_result(), tmp_path / "h")), "findings", "models")
    assert "for every check" not in findings and "Failing rows per run: 2026-09: 13, 2026-10: 13." in text(findings)
    assert findings.count('class="fm trend-spark"') > 1
