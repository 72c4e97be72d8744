"""charts.py: the pictures are SVG the HTML and the PDF both carry, each with a text title that says what it shows;
values from the evidence stay text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from auditreport.checks.model import SEVERITIES
from auditreport.report.charts import (
    ASCENT,
    Label,
    activity_heatmap,
    labelled,
    severity_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def test_severity_bars_are_as_long_as_the_counts_and_titled_with_them():
    svg = ET.fromstring(str(severity_bars({"critical": 4, "high": 2, "medium": 0, "low": 0, "info": 1}, SEVERITIES)))
    assert svg.find(f"{SVG}title").text == "Failing checks by severity: 4 critical, 2 high, 0 medium, 0 low, 1 info"
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1] and widths[2] == widths[3] == 0 and 0 < widths[4] < widths[1]


def test_heatmap_marks_empty_days_and_gap_days_and_escapes_labels():
    start, end = datetime(2026, 10, 1), datetime(2026, 11, 1)
    rows = [("111122223333", "eu-west-1", "2026-10-01", 50), ("111122223333", "eu-west-1", "2026-10-03", 5),
            ("<b>x</b>", "us-east-1", "2026-10-02", 1)]  # fmt: skip
    gaps = [("111122223333/eu-west-1", datetime(2026, 10, 2, 23), datetime(2026, 10, 3, 1))]
    svg = ET.fromstring(str(activity_heatmap(rows, start, end, gaps)))  # parses: the label is escaped
    tips = [t.text for t in svg.iter(f"{SVG}title")]
    assert "111122223333 eu-west-1 2026-10-02: 0 records" in tips  # an empty day is drawn, outlined
    assert "111122223333 eu-west-1 2026-10-03: 5 records" in tips
    assert tips[0].endswith("for 2 account and region pairs; 2 account-region days touched by a delivery gap")
    assert [t for t in tips[1:] if t.endswith("a delivery gap")] == ["111122223333 eu-west-1 2026-10-02: a delivery gap",
                                                                 "111122223333 eu-west-1 2026-10-03: a delivery gap"]
    assert any(t.startswith("<b>x</b> us-east-1") for t in tips)
    assert len([t for t in tips if t.endswith(" records")]) == 2 * 31  # every day of October, both rows
    assert activity_heatmap([], start, end, []) is None


def test_sparkline_draws_failing_rows_per_run_with_a_gap_for_a_run_the_check_did_not_run():
    from auditreport.report.charts import sparkline

    svg = ET.fromstring(str(sparkline([("2026-08 (a)", 3), ("2026-09 (b)", None), ("2026-10 (this run)", 0)], "c1")))
    assert svg.find(f"{SVG}title").text == ("Failing rows per run, oldest first: 2026-08 (a): 3, 2026-09 (b): not run, "
                                            "2026-10 (this run): 0")
    dots = list(svg.iter(f"{SVG}circle"))
    assert [d.get("fill") for d in dots] == ["#b42318", "#fff", "#067647"]  # failing, not run (hollow), clean
    assert float(dots[2].get("r")) > float(dots[0].get("r"))  # this run's point is the larger
    assert float(dots[0].get("cy")) < float(dots[2].get("cy"))  # 3 rows stand higher than 0
    assert list(svg.iter(f"{SVG}polyline")) == []  # no line across a run that did not run
    assert sparkline([("2026-10 (this run)", 2)], "c1") is None

def test_each_picture_is_described_in_words_for_a_screen_reader():
    bars = ET.fromstring(str(severity_bars({"critical": 1}, SEVERITIES)))
    assert bars.get("role") == "img" and bars.get("aria-describedby") == "sev-desc"
    assert bars.find(f"{SVG}desc").text.startswith("A horizontal bar per severity, critical to info")
    start, end = datetime(2026, 10, 1), datetime(2026, 10, 5)
    rows = [("111122223333", "eu-west-1", "2026-10-01", 50), ("111122223333", "eu-west-1", "2026-10-03", 5)]
    gaps = [("111122223333/eu-west-1", datetime(2026, 10, 2, 23), datetime(2026, 10, 3, 1))]
    heat = ET.fromstring(str(activity_heatmap(rows, start, end, gaps)))
    assert heat.get("aria-labelledby") == "hm-title" and heat.get("aria-describedby") == "hm-desc"
    assert heat.find(f"{SVG}desc").text.endswith(
        "111122223333 eu-west-1: 55 records; no record on day 2, 4; a delivery gap on day 2, 3.")


def test_labels_lie_over_the_picture_where_svg_text_would_and_are_escaped():
    pic = str(labelled('<svg xmlns="http://www.w3.org/2000/svg"></svg>',
                       [Label(100, 50, "<b>start</b>", 10), Label(150, 50, "end", 10, "end", "bad"),
                        Label(200, 20, "mid", 8, "middle", "muted")], 200, 100))
    spans = re.findall(r'<span class="([^"]+)" style="([^"]+)">([^<]*)</span>', pic)
    top = f"top:{100 * (50 - ASCENT * 10) / 100:.2f}%;font-size:10px;--fs:10"  # the baseline at y
    assert spans[0] == ("pl pl-ink", f"left:50.00%;{top}", "&lt;b&gt;start&lt;/b&gt;")
    assert spans[1][:2] == ("pl pl-bad", f"right:25.00%;{top}")  # ends at x
    assert spans[2][1].startswith("left:76.00%;width:48.00%;text-align:center")  # centred on x: 12 em about it
    assert '<div class="pl-layer" aria-hidden="true">' in pic and pic.startswith('<div class="pictured" style="max-width:200px;--w:200">')
