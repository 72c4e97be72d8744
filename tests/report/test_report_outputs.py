"""The real outputs of one write_reports call (rendered once per session by the report_dir fixture)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sample_run import LONG_ARN, SCRIPT, make_result

DEPLOY = "sagemaker_deployed_without_approval"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="session")
def html(report_dir: Path) -> str:
    return (report_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def findings(report_dir: Path) -> dict:
    return json.loads((report_dir / "findings.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pdf_text(report_dir: Path) -> str:
    # `make test` installs poppler-utils (scripts/ensure-system-deps.sh --test): a missing tool is a failure
    assert shutil.which("pdftotext"), "pdftotext is missing: run scripts/ensure-system-deps.sh --test"
    out = subprocess.run(["pdftotext", "-layout", str(report_dir / "report.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _text(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace squashed."""
    return _squash(unescape(re.sub(r"<[^>]+>", " ", markup.replace("<wbr>", ""))))


# ---------- files ----------

def test_every_output_is_written_and_returned(report_dir: Path):
    outputs = dict(line.split("=", 1) for line in (report_dir / "_outputs.txt").read_text().splitlines())
    for name in ("report_html", "report_pdf", "findings_json", "evidence_dir", f"evidence:{DEPLOY}"):
        assert name in outputs and Path(outputs[name]).exists(), name
    assert not (report_dir / "evidence" / "old_check.csv").exists(), "stale evidence from an earlier run survived"
    assert not list(report_dir.glob(".*tmp*")), "temporary files left behind"


# ---------- HTML ----------

def test_html_is_self_contained(html: str):
    tags = _tags(html)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in tags:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert not re.match(r"(?i)\s*(https?:|//|javascript:|file:|data:)", href), href
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    assert "@import" not in html and "url(" not in html
    assert '<link href="http' not in html and 'src="http' not in html
    assert len(re.findall(r"<style>", html)) == 1


def test_html_escapes_attacker_controlled_text(html: str):
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=" in html


def test_html_reveals_invisible_and_bidi_characters(html: str):
    assert "\u202e" not in html
    assert "evil\u27e8U+202E\u27e9txt.exe" in html


def test_html_caps_evidence_and_names_the_csv(html: str):
    article = html[html.index(f'id="check-{DEPLOY}"'):]
    article = article[: article.index("</article>")]
    assert article.count('class="erow ') == 25
    assert "15 more rows in evidence/sagemaker_deployed_without_approval.csv" in _squash(article)
    assert 'href="evidence/sagemaker_deployed_without_approval.csv"' in article
    # failing rows first: the 13 failing rows, then passing ones
    statuses = re.findall(r'class="erow erow-(\w+)"', article)
    assert statuses[:13] == ["fail"] * 13 and set(statuses[13:]) == {"pass"}
    # long ARNs are shown whole (wrapped by CSS), not cut
    assert LONG_ARN.replace("/17", "/1") in article


def test_html_lists_findings_in_report_order(html: str):
    order = ["sagemaker_deployed_without_approval", "cloudtrail_log_file_validation", "access_denied_burst",
             "mlflow_production_alias_without_approval", "cloudwatch_ml_log_retention", "mlflow_registry_changes",
             "iam_root_access_key_used", "s3_model_bucket_versioning"]
    positions = [html.index(f'id="check-{cid}"') for cid in order]
    assert positions == sorted(positions)


def test_html_cover_and_incomplete_banner(html: str):
    text = _text(html)
    assert "<title>ML Platform Compliance Report: Example Corp ML Platform, 2026-10</title>" in html
    assert "October 2026 (2026-10-01 – 2026-10-31 UTC)" in text
    assert "INCOMPLETE" in text and "20261101T020000Z-5f3a9c" in text and "9" * 64 in text
    assert "source 'cloudwatch' unavailable" in text


def test_html_says_what_was_not_verified(html: str):
    section = html[html.index('id="not-verified"'):html.index('id="frameworks"')]
    text = _text(section)
    for item in ("mlflow_production_alias_without_approval", "cloudwatch_ml_log_retention", "cloudwatch", "s3",
                 "NOT CONFIGURED", "UNAVAILABLE", "not a pass"):
        assert item in text, item
    assert "iam_root_access_key_used" not in text


def test_html_inverts_framework_mappings(html: str):
    section = html[html.index('id="fw-soc2"'):html.index('id="fw-eu_ai_act"')]
    cc72 = section[section.index(">CC7.2<"):]
    cc72 = cc72[: cc72.index("</tr>")]
    for cid in ("cloudtrail_log_file_validation", "access_denied_burst", "cloudwatch_ml_log_retention"):
        assert f'href="#check-{cid}"' in cc72
    assert "badge-fail" in cc72  # the worst status of its checks
    assert "1 have no automated check" in _squash(section)  # CC6.2
    iso = html[html.index('id="fw-iso27001"'):]
    assert "Not listed in the framework file" in iso[: iso.index("</table>")]  # A.8.2
    assert 'id="fw-nist_ai_rmf"' in html  # mapped, but no framework file given


def test_html_sources_quarantine_and_limitations(html: str):
    section = html[html.index('id="sources"'):html.index('id="appendix-sql"')]
    assert "&lt;script&gt;" in section
    text = _text(section)
    assert "AccessDeniedException" in text and "245,110" in text and "2026-10-31 23:59:41" in text
    assert "Showing 50 of 60 entries" in text and "lake table quarantine" in text
    assert "user_id" in text and "observed between T1 and T2" in text and "CloudTrail" in text


def test_html_appendices(html: str):
    text = _text(html[html.index('id="appendix-sql"'):])
    result = make_result()
    for cr in result.checks:
        assert f'id="sql-{cr.check.id}"' in html
    assert "$period_start" in text
    assert "f" * 64 in text  # an input's SHA-256
    assert "auditreport sql --out DIR" in text and "duckdb DIR/audit.duckdb" in text
    assert "min_log_retention_days" in text and "cloudtrail_events" in text


# ---------- findings.json ----------

def test_findings_json_round_trips_with_every_row(findings: dict):
    assert findings["schema_version"] == 1
    assert findings["tool"] == {"name": "auditreport", "version": "0.1.0"}
    assert findings["period"]["start"] == "2026-10-01T00:00:00Z" and findings["period"]["end"] == "2026-11-01T00:00:00Z"
    assert findings["generated_at"] == "2026-11-01T02:03:30Z"
    assert findings["complete"] is False and len(findings["incomplete_reasons"]) == 3
    assert findings["summary"]["by_status"] == {"pass": 2, "fail": 3, "error": 1, "no_data": 1, "info": 1}
    assert findings["summary"]["failing_by_severity"]["critical"] == 1
    checks = {c["id"]: c for c in findings["checks"]}
    deploy = checks[DEPLOY]
    assert len(deploy["rows"]) == 40 and deploy["row_counts"] == {"pass": 27, "fail": 13, "info": 0}
    assert [r["status"] for r in deploy["rows"][:13]] == ["fail"] * 13
    assert deploy["rows"][0]["deployed_at"].endswith("Z")
    passing = next(r for r in deploy["rows"] if r["status"] == "pass")
    assert passing["approval_lag_h"] == 1.5
    assert deploy["evidence_file"] == f"evidence/{DEPLOY}.csv"
    assert deploy["columns"][:3] == ["resource", "status", "reason"]
    assert checks["access_denied_burst"]["rows"][0]["window_start"] == "2026-10-17T03:02:00Z"
    assert checks["access_denied_burst"]["rows"][0]["session_name"] == "evil\u202etxt.exe"  # exact, not prettified
    assert checks["cloudwatch_ml_log_retention"]["status"] == "no_data" and checks["cloudwatch_ml_log_retention"]["message"]
    assert checks["iam_root_access_key_used"]["rows"] == [] and checks["iam_root_access_key_used"]["evidence_file"] is None
    assert {s["name"]: s["status"] for s in findings["sources"]}["cloudwatch"] == "unavailable"


# ---------- CSV ----------

def test_csv_has_every_row_in_report_order(report_dir: Path, findings: dict):
    with open(report_dir / "evidence" / f"{DEPLOY}.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40
    deploy = next(c for c in findings["checks"] if c["id"] == DEPLOY)
    assert list(rows[0].keys()) == deploy["columns"]
    assert [r["resource"] for r in rows] == [r["resource"] for r in deploy["rows"]]
    assert rows[0]["approved_at"] == "" and rows[0]["deployed_at"].endswith("Z")
    assert any(SCRIPT in r["endpoint_name"] for r in rows)  # CSV keeps the value exactly
    files = sorted(p.name for p in (report_dir / "evidence").glob("*.csv"))
    assert files == sorted(f"{c['id']}.csv" for c in findings["checks"] if c["rows"])


# ---------- PDF ----------

def test_pdf_exists_with_metadata(report_dir: Path):
    data = (report_dir / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(report_dir / "report.pdf")], check=True, capture_output=True,
                              text=True).stdout
        assert "ML Platform Compliance Report: Example Corp ML Platform, 2026-10" in info
        assert "Example Corp ML Platform" in info and "A4" in info


def test_pdf_text_has_banner_titles_caps_and_page_numbers(pdf_text: str):
    text = _squash(pdf_text)
    assert "INCOMPLETE" in text
    for cr in make_result().checks:
        assert _squash(cr.check.title) in text, cr.check.title
    assert "15 more rows in evidence/sagemaker_deployed_without_approval.csv" in text
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages > 10 and f"Page {pages} of {pages}" in text
    assert "Run 20261101T020000Z-5f3a9c" in text
    assert "<script>alert(1)</script>" in text  # shown as text, never interpreted


