"""A finding's evidence rows as the report shows them: the first ``cap`` rows (failing first), every value cut at
``CELL_LIMIT`` characters with a mark saying how many more there are, the columns split into a grid of short values
and labelled lines for long ones.

report.html draws them as a table (sortable in a browser); report.pdf as a fixed-width **listing**, one pre-formatted
block per row, wrapped here. The two hold the same text; the listing spares WeasyPrint a table cell per value, a line
box per wrapped cell and a break search through every ARN, which were most of the PDF's time (``listing``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..checks.model import CheckResult
from .order import columns_of, ordered_rows
from .values import CELL_LIMIT, TEXT_LIMIT, display_text, status_label

EVIDENCE_FIXED_PCT = 13.0  # the '#' and status columns of the HTML table
GRID_CHARS = 100  # about how many monospace characters fit across the value columns of an A4 portrait page
LONG_VALUE = 40  # a column whose typical value is longer goes on its own line under the row

LISTING_CHARS = 116  # characters across a listing line: A4 portrait at the listing's 6.8 pt DejaVu Sans Mono
LISTING_GAP = 2  # spaces between grid columns
LABEL_CHARS = 26  # a longer column name has its value on the line below it
NULL_MARK = "—"
CITING_COLUMNS = ("source_key", "source_keys")  # the input object key(s) an evidence row came from


@dataclass
class RowView:
    n: int  # 1-based data row number in evidence/<check>.csv
    status: str
    reason: str | None
    cells: list[str | None]  # one per EvidenceView.grid_columns
    lines: list[tuple[str, str | None]]  # (column, value) for EvidenceView.line_columns: full-width lines under the row


@dataclass
class ListingRow:
    """One row of the PDF's listing: ``number`` and ``status`` (padded), then ``body`` (the grid's first line and
    everything under it), then the wrapped ``reason`` (with its label), each a run of text the template places in one
    pre-formatted block."""

    status: str
    number: str
    label: str
    body: str
    reason: str


@dataclass
class Listing:
    header: str  # the column names over the grid, wrapped like the values
    rows: list[ListingRow]


@dataclass
class EvidenceView:
    grid_columns: list[str]  # short values: table columns
    grid_widths: list[float]  # percent of the table width per grid column (fixed table layout)
    line_columns: list[str]  # long values (ARNs, JSON): one full-width labelled line each, under the row
    rows: list[RowView]
    listing: Listing
    total_rows: int
    hidden_rows: int
    cited_keys: frozenset[str] = frozenset()  # the input keys the shown rows cite (report.pdf's Appendix B lists them)


def cited_keys(rows: list[dict]) -> frozenset[str]:
    """The input object keys ``rows`` cite in ``source_key`` (one key) or ``source_keys`` (a list of them)."""
    keys = set()
    for row in rows:
        for col in CITING_COLUMNS:
            value = row.get(col)
            values = value if isinstance(value, (list, tuple)) else [value]
            keys.update(str(k) for k in values if k is not None and str(k) != "")
    return frozenset(keys)


def layout_columns(columns: list[str], values: list[list[str | None]]) -> tuple[list[int], list[int], list[float]]:
    """Split an evidence table's columns into a grid of short ones and full-width lines for long ones.

    A4 portrait holds about a hundred monospace characters across; ARNs and JSON documents are often longer than
    that on their own, and a seven-column grid of them wraps every cell into a tall, unreadable strip. Short values
    (names, timestamps, flags, counts) stay in columns; long values become labelled lines under their row.
    Returns (grid column indexes, line column indexes, grid widths in percent).

    Widths are fixed here because ``table-layout: auto`` with ``overflow-wrap: anywhere`` makes WeasyPrint measure
    every possible break of every ARN, which takes seconds per table.
    """
    want = _wanted_widths(columns, values)
    grid = [j for j, w in enumerate(want) if w <= LONG_VALUE]
    while len(grid) > 1 and sum(min(want[j], LONG_VALUE) for j in grid) > GRID_CHARS:
        grid.remove(max(grid, key=lambda j: (want[j], j)))
    if not grid and columns:
        grid = [0]  # at least one column in the grid: the first (resource), wrapped
    lines = [j for j in range(len(columns)) if j not in grid]
    total = sum(min(want[j], LONG_VALUE) for j in grid) or 1
    space = 100.0 - EVIDENCE_FIXED_PCT
    return grid, lines, [round(space * min(want[j], LONG_VALUE) / total, 2) for j in grid]


def _wanted_widths(columns: list[str], values: list[list[str | None]]) -> list[int]:
    """Characters each column would like: its typical value (the 80th percentile) or its name's longest part."""
    want = []
    for j, col in enumerate(columns):
        lengths = sorted(len(row[j] or "") for row in values) or [0]
        typical = lengths[math.ceil(0.8 * (len(lengths) - 1))]  # of two rows: the longer
        header = max(len(part) for part in col.split("_")) + 1
        want.append(max(typical, header, 4))
    return want


def evidence_view(cr: CheckResult, cap: int) -> EvidenceView:
    """The rows a finding shows (at most ``cap``, failing first) with their columns laid out, for both documents."""
    shown = [col for col in columns_of(cr) if col not in ("status", "reason")]
    if "resource" in shown:
        shown.remove("resource")
        shown.insert(0, "resource")
    rows = ordered_rows(cr)
    values = [[display_text(row.get(col), CELL_LIMIT) for col in shown] for row in rows[:cap]]
    grid, lines, widths = layout_columns(shown, values)
    views = [
        RowView(
            n=i + 1,
            status=str(row.get("status") or "info"),
            reason=display_text(row.get("reason"), TEXT_LIMIT),
            cells=[vals[j] for j in grid],
            lines=[(shown[j], vals[j]) for j in lines],
        )
        for i, (row, vals) in enumerate(zip(rows, values))
    ]
    grid_columns = [shown[j] for j in grid]
    want = _wanted_widths(shown, values)
    return EvidenceView(
        grid_columns=grid_columns,
        grid_widths=widths,
        line_columns=[shown[j] for j in lines],
        rows=views,
        listing=listing(grid_columns, [min(want[j], LONG_VALUE) for j in grid], views),
        total_rows=len(rows),
        hidden_rows=max(0, len(rows) - cap),
        cited_keys=cited_keys(rows[:cap]),
    )


# ---------- the PDF's listing ----------


def _flat(text: str | None) -> str:
    """A value on one line, as HTML shows it in a cell (runs of white space, newlines included, as one space)."""
    return NULL_MARK if text is None else " ".join(text.split()) or ""


def wrap_value(text: str, width: int, start: float = 2 / 3) -> list[str]:
    """``text`` in lines of at most ``width`` characters, every character kept: broken after a space, slash, comma
    or other separator in the last third of a line (past ``start`` of it) when there is one, else at the width
    (inside an ARN or a hash)."""
    width = max(1, width)
    out = []
    while len(text) > width:
        cut = max(text.rfind(sep, int(width * start), width) for sep in " /,:;=&-_.")
        cut = cut + 1 if cut > 0 else width
        out.append(text[:cut].rstrip(" "))
        text = text[cut:].lstrip(" ")
    out.append(text)
    return out


def _grid_widths(wanted: list[int], room: int) -> list[int]:
    """Characters per grid column: what each wants; when they do not fit in ``room``, the widest give way first
    (one character at a time), so that short values (account ids, regions, times) stay whole on one line."""
    gaps = LISTING_GAP * (len(wanted) - 1)
    widths = list(wanted)
    while sum(widths) + gaps > room and max(widths, default=0) > 4:
        widths[widths.index(max(widths))] -= 1
    return widths


def _grid_lines(cells: list[str], widths: list[int], start: float = 2 / 3) -> list[str]:
    wrapped = [wrap_value(c, w, start) for c, w in zip(cells, widths)]
    height = max((len(w) for w in wrapped), default=1)
    gap = " " * LISTING_GAP
    return [gap.join((w[i] if i < len(w) else "").ljust(width) for w, width in zip(wrapped, widths)).rstrip()
            for i in range(height)]


def _labelled(label: str, text: str, indent: str, label_chars: int) -> list[str]:
    room = LISTING_CHARS - len(indent) - label_chars - 1
    if len(label) > label_chars:  # the name alone, the value under it
        return [indent + label] + [indent + " " * (label_chars + 1) + part for part in wrap_value(text, room)]
    parts = wrap_value(text, room)
    return ([indent + label.ljust(label_chars) + " " + parts[0]]
            + [indent + " " * (label_chars + 1) + part for part in parts[1:]])  # fmt: skip


def listing(grid_columns: list[str], wanted: list[int], rows: list[RowView]) -> Listing:
    """The rows as fixed-width text: ``#`` and status, the grid under a header of column names, then each long
    column as a labelled line and the row's reason, all wrapped to ``LISTING_CHARS`` here, so that WeasyPrint lays
    out plain lines."""
    n_chars = max(len(str(r.n)) for r in rows) if rows else 1
    lead = n_chars + 1 + 7 + 1  # "12 NO DATA "
    indent = " " * lead
    widths = _grid_widths(wanted, LISTING_CHARS - lead)
    names = _grid_lines(grid_columns, widths, start=0.2)  # a name breaks after any underscore it can
    header = "\n".join([f"{'#':>{n_chars}} {'status':<7} {names[0]}".rstrip()] + [indent + line for line in names[1:]])
    labels = [col for r in rows for col, _v in r.lines] + (["reason"] if any(r.reason for r in rows) else [])
    label_chars = min(LABEL_CHARS, max((len(c) for c in labels), default=0))
    out = []
    for r in rows:
        grid = _grid_lines([_flat(v) for v in r.cells], widths)
        body = [grid[0]] + [indent + line for line in grid[1:]]
        for col, value in r.lines:
            body += _labelled(col, _flat(value), indent, label_chars)
        reason = "\n".join(_labelled("reason", _flat(r.reason), indent, label_chars)) if r.reason else ""
        out.append(ListingRow(status=r.status, number=f"{r.n:>{n_chars}}", label=f"{status_label(r.status):<7}",
                              body="\n".join(body), reason=reason))  # fmt: skip
    return Listing(header=header, rows=out)

