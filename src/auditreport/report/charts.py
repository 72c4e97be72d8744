"""Pictures as inline SVG: drawn here from plain numbers, the same in the HTML (no script, no network) and the PDF
(WeasyPrint renders SVG). Every picture has a text equivalent beside it (a title and the numbers in words), so it
adds a view, never a fact the tables do not hold. Each is ``role="img"`` named by its ``<title>`` and described by
its ``<desc>`` (what the picture shows, in words, for a screen reader), neither of which is drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from markupsafe import Markup

FONT = 'font-family="DejaVu Sans, Arial, sans-serif" fill="#1d2433"'  # as attributes: WeasyPrint styles SVG text by them
ASCENT = 0.846  # DejaVu Sans at line-height 1: the baseline's distance below the top of the line box, in em


@dataclass(frozen=True)
class Label:
    """A line of text on a picture, placed as SVG ``<text>`` would be: ``x`` where ``anchor`` ("start", "middle",
    "end") puts it, ``y`` its baseline, in the picture's units (CSS px); ``tone`` a class of report.css (ink, muted,
    bad: red and bold, white: bold on a red mark)."""

    x: float
    y: float
    text: str
    size: float = 9
    anchor: str = "start"
    tone: str = "ink"


def labelled(svg: str, labels: list[Label], w: float, h: float) -> Markup:
    """``svg`` (drawn without text) with its ``labels`` as HTML laid over it, in percentages of its size so they
    stay on their marks when a browser scales the picture (their size scales with it too: report.css, ``--fs`` and
    ``--w``). WeasyPrint lays out an SVG ``<text>`` letter by letter (a text layout and a drawing call per character:
    two thirds of a timeline's drawing time); a line of HTML is one layout. The labels repeat what the picture's
    ``<title>`` and ``<desc>`` say, so screen readers skip them."""
    spans = []
    for lb in labels:
        top = f"top:{100 * (lb.y - ASCENT * lb.size) / h:.2f}%;font-size:{lb.size}px;--fs:{lb.size}"
        if lb.anchor == "end":
            where = f"right:{100 * (w - lb.x) / w:.2f}%"
        elif lb.anchor == "middle":  # a box of 12 em centred on x
            where = f"left:{100 * (lb.x - 6 * lb.size) / w:.2f}%;width:{1200 * lb.size / w:.2f}%;text-align:center"
        else:
            where = f"left:{100 * lb.x / w:.2f}%"
        spans.append(f'<span class="pl pl-{lb.tone}" style="{where};{top}">{escape(lb.text)}</span>')
    return Markup(f'<div class="pictured" style="max-width:{w}px;--w:{w}">{svg}<div class="pl-layer" aria-hidden="true">'
                  + "".join(spans) + "</div></div>")
SEVERITY_COLOURS = {"critical": "#7a1109", "high": "#b42318", "medium": "#a15c07", "low": "#475467", "info": "#667085"}


def severity_bars(failing_by_severity: dict[str, int], severities: list[str]) -> Markup:
    """One horizontal bar per severity: how many checks failed at it."""
    top = max([failing_by_severity.get(s, 0) for s in severities] + [1])
    row_h, label_w, bar_w, w = 13, 60, 300, 400
    h = row_h * len(severities) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-severity" viewBox="0 0 {w} {h}" '
             f'width="{w}" height="{h}" role="img" aria-labelledby="sev-title" aria-describedby="sev-desc">',
             '<title id="sev-title">Failing checks by severity: '
             + ", ".join(f"{failing_by_severity.get(s, 0)} {s}" for s in severities) + "</title>",
             f'<desc id="sev-desc">A horizontal bar per severity, {escape(severities[0])} to {escape(severities[-1])}, '
             "as long as the number of failing checks of that severity, that number written beside it.</desc>"]
    for i, s in enumerate(severities):
        n = failing_by_severity.get(s, 0)
        y = 2 + i * row_h
        length = 0 if n == 0 else max(2, round(bar_w * n / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 10}" text-anchor="end" font-size="9" {FONT}>{escape(s)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{length}" height="{row_h - 4}" rx="2" '
                     f'fill="{SEVERITY_COLOURS.get(s, "#667085")}"/>')
        parts.append(f'<text x="{label_w + length + 5}" y="{y + 10}" font-size="9" {FONT}>{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


LONG_PERIOD_DAYS = 62  # beyond two months, a day's column narrows so that the picture keeps about that width


def _days(start: datetime, end: datetime) -> list[date]:
    out, d = [], start.date()
    while datetime.combine(d, datetime.min.time()) < end:
        out.append(d)
        d += timedelta(days=1)
    return out


def _heatmap_words(keys, days, counts, gap_days) -> str:
    """The heatmap in words: per account and region, the records of the period, the days without any, and the days
    a delivery gap touches."""
    said = []
    for a, r in keys:
        empty = [d.day for d in days if not counts.get((a, r, d.isoformat()))]
        gaps = [d.day for d in days if (f"{a}/{r}", d) in gap_days]
        total = sum(counts.get((a, r, d.isoformat()), 0) for d in days)
        said.append(f"{a} {r}: {total} records; "
                    + (f"no record on day {', '.join(map(str, empty))}" if empty else "records every day")
                    + (f"; a delivery gap on day {', '.join(map(str, gaps))}" if gaps else ""))  # fmt: skip
    lead = "A row per account and region, a column per day of the month, darker for more records. "
    return lead + ". ".join(said) + "."


def activity_heatmap(rows: list[tuple[str, str, str, int]], start: datetime, end: datetime,
                     gaps: list[tuple[str, datetime, datetime]]) -> Markup | None:  # fmt: skip
    """Records per day (columns) per account/region (rows): darker is busier, an empty day is white with a red
    outline, and a day a delivery gap touches is marked with a red bar under it. ``gaps``: (``account/region``,
    gap start, gap end). None when there is nothing to draw."""
    if not rows:
        return None
    days = _days(start, end)
    keys = sorted({(a, r) for a, r, _, _ in rows})
    counts = {(a, r, d): n for a, r, d, n in rows}
    top = max(n for *_, n in rows)
    cell, label_w, head_h = 13, 170, 16
    col = cell if len(days) <= LONG_PERIOD_DAYS else max(2, cell * LONG_PERIOD_DAYS // len(days))  # a column a day
    w = label_w + col * len(days) + 6
    h = head_h + len(keys) * (cell + 5) + 4
    gap_days: set[tuple[str, date]] = set()
    for scope, g0, g1 in gaps:
        d = g0.date()
        while d <= g1.date():
            gap_days.add((scope, d))
            d += timedelta(days=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-heatmap" viewBox="0 0 {w} {h}" '
             f'width="{w}" height="{h}" role="img" aria-labelledby="hm-title" aria-describedby="hm-desc">',
             f'<title id="hm-title">CloudTrail records per day, {days[0].isoformat()} to {days[-1].isoformat()}, '
             f"for {len(keys)} account and region pairs; {len(gap_days)} account-region days touched by a delivery "
             "gap</title>",
             f"<desc id=\"hm-desc\">{escape(_heatmap_words(keys, days, counts, gap_days))}</desc>"]
    for j, d in enumerate(days):
        if col == cell and (d.day == 1 or d.day % 5 == 0):
            parts.append(f'<text x="{label_w + j * col + col / 2}" y="11" text-anchor="middle" font-size="8" '
                         f'{FONT}>{d.day}</text>')
        elif col < cell and d.day == 1:  # a long period: each month's first day, by the month's short name
            parts.append(f'<text x="{label_w + j * col}" y="11" font-size="8" {FONT}>{d:%b}</text>')
    for i, (a, r) in enumerate(keys):
        y = head_h + i * (cell + 5)
        parts.append(f'<text x="{label_w - 6}" y="{y + 10}" text-anchor="end" font-size="9" {FONT}>{escape(a)} '
                     f"{escape(r)}</text>")
        for j, d in enumerate(days):
            n = counts.get((a, r, d.isoformat()), 0)
            x = label_w + j * col
            tip = f"{a} {r} {d.isoformat()}: {n} records"
            if n == 0 and col < cell:  # too narrow to outline: an empty day is a red column
                parts.append(f'<rect x="{x}" y="{y}" width="{col}" height="{cell - 1}" fill="#f4c7c3">'
                             f"<title>{escape(tip)}</title></rect>")
            elif n == 0:
                parts.append(f'<rect x="{x + 0.5}" y="{y + 0.5}" width="{cell - 2}" height="{cell - 2}" fill="#fff" '
                             f'stroke="#b42318" stroke-width="1"><title>{escape(tip)}</title></rect>')
            else:
                shade = 0.15 + 0.85 * math.log1p(n) / math.log1p(top)
                parts.append(f'<rect x="{x}" y="{y}" width="{col - 1 if col == cell else col}" '
                             f'height="{cell - 1}" fill="#1d4ed8" fill-opacity="{shade:.2f}"><title>{escape(tip)}</title></rect>')
            if (f"{a}/{r}", d) in gap_days:
                parts.append(f'<rect x="{x}" y="{y + cell}" width="{max(col - 1, 1)}" height="3" fill="#b42318">'
                             f"<title>{escape(f'{a} {r} {d.isoformat()}: a delivery gap')}</title></rect>")
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(points: list[tuple[str, int | None]], ident: str) -> Markup | None:
    """Failing rows per run, oldest first, the last point this run's (a larger dot): a line over the runs in which the
    check ran, a hollow grey mark at the foot for a run in which it did not (no count, never drawn as zero). None
    with fewer than two runs."""
    if len(points) < 2:
        return None
    w, h, pad = 96, 18, 3
    top = max([n for _, n in points if n is not None] + [1])
    step = (w - 2 * pad) / (len(points) - 1)
    xy = [(pad + i * step, None if n is None else h - pad - (h - 2 * pad) * n / top) for i, (_, n) in enumerate(points)]
    words = ", ".join(f"{label}: {'not run' if n is None else n}" for label, n in points)
    uid = escape(ident)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-spark" viewBox="0 0 {w} {h}" width="{w}" '
             f'height="{h}" role="img" aria-labelledby="sp-{uid}" aria-describedby="sp-{uid}-d"><title id="sp-{uid}">'
             f"Failing rows per run, oldest first: {escape(words)}</title>"
             f'<desc id="sp-{uid}-d">A line through one point per run, oldest on the left, as high as the run\'s '
             "failing rows: red where rows failed, green where none did, hollow where the check did not run; this "
             "run's point is the larger.</desc>"]
    run: list[str] = []
    for x, y in xy + [(0, None)]:  # a run of consecutive counted points is one polyline
        if y is not None:
            run.append(f"{x:.1f},{y:.1f}")
        elif run:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="#475467" stroke-width="1.2"/>')
            run = []
    for i, (x, y) in enumerate(xy):
        last = i == len(xy) - 1
        if y is None:
            parts.append(f'<circle cx="{x:.1f}" cy="{h - pad}" r="1.8" fill="#fff" stroke="#98a2b3"/>')
        else:
            colour = "#b42318" if points[i][1] else "#067647"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2.6 if last else 1.6}" fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
