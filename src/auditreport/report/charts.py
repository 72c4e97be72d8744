"""Pictures as inline SVG: drawn here from plain numbers, the same in the HTML (no script, no network) and the PDF
(WeasyPrint renders SVG). Every picture has a text equivalent beside it (a title and the numbers in words), so it
adds a view, never a fact the tables do not hold."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from html import escape

from markupsafe import Markup

FONT = 'font-family="DejaVu Sans, Arial, sans-serif" fill="#1d2433"'  # as attributes: WeasyPrint styles SVG text by them
SEVERITY_COLOURS = {"critical": "#7a1109", "high": "#b42318", "medium": "#a15c07", "low": "#475467", "info": "#667085"}


def severity_bars(failing_by_severity: dict[str, int], severities: list[str]) -> Markup:
    """One horizontal bar per severity: how many checks failed at it."""
    top = max([failing_by_severity.get(s, 0) for s in severities] + [1])
    row_h, label_w, bar_w, w = 13, 60, 300, 400
    h = row_h * len(severities) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-severity" viewBox="0 0 {w} {h}" '
             f'width="{w}" height="{h}" role="img" aria-labelledby="sev-title">',
             '<title id="sev-title">Failing checks by severity: '
             + ", ".join(f"{failing_by_severity.get(s, 0)} {s}" for s in severities) + "</title>"]
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
             f'width="{w}" height="{h}" role="img" aria-labelledby="hm-title">',
             f'<title id="hm-title">CloudTrail records per day, {days[0].isoformat()} to {days[-1].isoformat()}, '
             f"for {len(keys)} account and region pairs; {len(gap_days)} account-region days touched by a delivery "
             "gap</title>"]
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
