"""report.html is accessible: axe-core (the copy axe-playwright-python ships) finds nothing serious or critical on the
sample month's report in headless Chromium, and the markup holds what axe cannot judge alone (landmarks, one h1,
ordered headings, named tables, th scope, named pictures, text beside every colour, AA contrast of the palette that
the PDF shares)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import open_report
from report_support import tags, text

from auditreport.report.charts import SEVERITY_COLOURS
from auditreport.resources import templates_dir

# Rules switched off, with the reason: none. Every rule axe runs by default (WCAG 2.0-2.2 A and AA, best practices)
# is on; the test fails on a violation of impact serious or critical, and on any violation of the rules below,
# which this report's structure promises whatever their impact.
DISABLED_RULES: dict[str, str] = {}
STRUCTURE_RULES = {"landmark-one-main", "region", "page-has-heading-one", "heading-order", "empty-heading",
                   "empty-table-header", "scope-attr-valid", "th-has-data-cells", "svg-img-alt", "link-name",
                   "identical-links-same-purpose", "label", "button-name", "select-name"}  # fmt: skip


@pytest.fixture(scope="module")
def axe_violations(chromium, sample_month_dir: Path) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    # axe is injected through the DevTools protocol, which the page's Content-Security-Policy does not govern
    visit = open_report(chromium, sample_month_dir / "report.html")
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in DISABLED_RULES}}
    try:
        return Axe().run(visit.page, options=options).response["violations"]
    finally:
        visit.page.context.close()


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}; first at "
                     f"{v['nodes'][0]['target']}: {v['nodes'][0]['failureSummary']}" for v in violations)  # fmt: skip


def test_axe_finds_nothing_serious_or_critical(axe_violations: list[dict]):
    bad = [v for v in axe_violations if v["impact"] in ("serious", "critical")]
    assert not bad, _describe(bad)


def test_axe_finds_no_fault_in_the_structure(axe_violations: list[dict]):
    bad = [v for v in axe_violations if v["id"] in STRUCTURE_RULES]
    assert not bad, _describe(bad)


def test_axe_ran_its_rules_and_would_catch_a_fault(chromium, tmp_path: Path):
    """The same path on a page with planted faults: axe must report them (a check that cannot fail proves nothing)."""
    from axe_playwright_python.sync_playwright import Axe

    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>t</title></head><body><table><tr><th></th></tr></table>'
                   '<p style="color: #bbb; background: #fff">faint</p><svg role="img"></svg></body></html>')  # fmt: skip
    visit = open_report(chromium, bad)
    try:
        found = {v["id"] for v in Axe().run(visit.page).response["violations"]}
    finally:
        visit.page.context.close()
    assert {"html-has-lang", "color-contrast", "svg-img-alt", "landmark-one-main"} <= found


# ---------- the markup itself (the hand-built session report: every status, every kind of table) ----------

def test_language_landmarks_and_one_h1(html: str):
    found = tags(html)
    assert re.search(r'<html lang="en">', html)
    names = [t for t, _ in found]
    assert names.count("h1") == 1 and names.count("main") == 1 and names.count("nav") == 1
    assert re.search(r"<body[^>]*>\s*<header", html), "the cover is the page's header landmark"
    # the cover, then the contents as navigation, then everything else inside main
    assert html.index("<header") < html.index('id="cover"') < html.index("<nav") < html.index('id="contents"')
    assert html.index("<main") < html.index('id="summary"')
    assert html.index('id="appendix-integrity"') < html.index("</main>")


def test_headings_descend_one_level_at_a_time(html: str):
    levels = [int(t[1]) for t, _ in tags(html) if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, f"h{before} followed by h{after}"


def test_every_data_table_is_named_and_its_headers_scoped(html: str):
    tables = re.findall(r"<table\b([^>]*)>(.*?)</table>", html, flags=re.S)
    assert len(tables) > 20
    for attrs, body in tables:
        if 'role="presentation"' in attrs:
            assert "<th" not in body, attrs  # a layout table holds no header cells
            continue
        assert re.search(r'aria-label="[^"]{6,}"', attrs) or "<caption" in body, attrs
        for th in re.findall(r"<th\b[^>]*>", body):
            assert re.search(r'scope="(col|row|colgroup)"', th), (attrs, th)


def test_pictures_are_images_with_a_title_and_a_description(html: str):
    svgs = re.findall(r"<svg\b([^>]*)>(.*?)</svg>", html, flags=re.S)
    assert svgs
    for attrs, body in svgs:
        assert 'role="img"' in attrs
        title = re.search(r'aria-labelledby="([^"]+)"', attrs).group(1)
        desc = re.search(r'aria-describedby="([^"]+)"', attrs).group(1)
        assert re.search(rf'<title id="{title}">[^<]{{10,}}</title>', body), title
        assert re.search(rf'<desc id="{desc}">[^<]{{10,}}</desc>', body), desc


def test_links_say_where_they_go(html: str):
    for attrs, label in re.findall(r"<a\b([^>]*)>(.*?)</a>", html, flags=re.S):
        name = re.search(r'aria-label="([^"]*)"', attrs)
        said = name.group(1) if name else text(label)
        assert len(said.strip()) >= 3, attrs
        if said.strip() == "Appendix A" or said.strip().startswith("SQL"):
            assert name and name.group(1).startswith("SQL of ") and name.group(1).endswith("in Appendix A")


def test_status_and_severity_are_words_not_only_colours(html: str):
    marks = re.findall(r'<span class="((?:badge|rbadge|sev) [\w-]+)"[^>]*>(?:<span class="sym">[^<]*</span>)?([^<]*)</span>',
                       html)  # fmt: skip
    assert len(marks) > 50 and len(marks) == len(re.findall(r'<span class="(?:badge|rbadge|sev) ', html))
    for cls, label in marks:
        assert len(label.strip()) >= 2, cls  # the word is there whatever the colour
    shown = text(html)
    for word in ("FAIL", "PASS", "NO DATA", "ERROR", "CRITICAL", "HIGH", "MEDIUM"):
        assert word in shown


# ---------- contrast of the palette (HTML and PDF share it) ----------

def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_helper_matches_wcag_reference_values():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0 and round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_status_and_severity_colours_meet_aa():
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    for status in ("fail", "pass", "nodata", "error", "info"):
        assert contrast(var[status], "#ffffff") >= 4.5, status  # white text on a status badge
        assert contrast(var[status], var[f"{status}-bg"]) >= 4.5, status  # a row tag's text on its tint
    assert contrast(var["muted"], "#ffffff") >= 4.5 and contrast(var["muted"], var["paper-tint"]) >= 4.5
    for sev, colour in re.findall(r"\.sev-(critical|high|medium)\s*\{\s*color:\s*(#[0-9a-fA-F]{6})", css):
        assert contrast(colour, "#ffffff") >= 4.5, sev
    for sev, colour in SEVERITY_COLOURS.items():  # chart bars: non-text contrast against the page
        assert contrast(colour, "#ffffff") >= 3.0, sev
