"""report-sql.pdf: Appendix A's full text, the SQL of every check and shared view that ran, each file whole with its
path and SHA-256, written directly as PDF (pydyf) from the same view data as report.html's Appendix A.

It is a fixed-width listing, so it needs no CSS layout engine: WeasyPrint took about 3.6 s of CPU for its 74 pages of
the sample month, this about 0.2 s. What the document promises:

- every SQL text verbatim: each line as it is in the file, in DejaVu Sans Mono (embedded as a subset; a monospace
  font with wide Unicode coverage that every machine the project supports has, fonts-dejavu-core, and the font
  report.pdf's code is set in). A line wider than the page continues on the next, after an arrow (↳) drawn in the
  margin (a drawing, not text: copied text is the SQL alone); nothing is cut. Invisible and bidi-control characters
  are shown as ``⟨U+XXXX⟩`` as everywhere in the report; a character the font lacks is shown the same way, with the
  character itself as the span's ActualText, so search and copy still find it;
- each file headed by its check id and outcome (or view id), path and SHA-256, and a link to its finding in
  report.pdf (a view: links to the checks that read it);
- the named destinations report.pdf's Appendix A links to (``report-sql.pdf#sql-<check id>``, ``#view-<view id>``,
  besides ``sql-head`` and ``sql-views``), a bookmark per file, the running head (organisation, outcome and
  completeness, period), "Run <id>" and "Page X of Y" on every page, and the document's metadata;
- the same bytes for the same inputs: no clock but the run's ``generated_at``, no random ids.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pydyf

from ._io import atomic_write_bytes
from .pdf_font import EmbeddedFont, report_fonts
from .pdf_pages import INK, MUTED, PALETTE
from .sql_pdf_layout import Layout, Token
from .values import reveal_invisible, status_label

REPORT_FILE = "report.pdf"

STATUS_COLOURS = {status: (PALETTE[name], PALETTE[f"{name}-bg"])  # a badge's text and background, as report.css's
                  for status, name in (("fail", "fail"), ("pass", "pass"), ("no_data", "nodata"), ("error", "error"),
                                       ("info", "info"))}


@dataclass(frozen=True)
class SqlText:
    """One file of Appendix A: a check's SQL (``status`` and ``finding`` set) or a shared view's (``read_by``)."""

    anchor: str  # the named destination report.pdf links to: sql-<check id> or view-<view id>
    id: str
    path: str
    sha256: str
    sql: str
    status: str | None = None
    finding: str | None = None  # the finding's title, linked to report.pdf#check-<id>
    read_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class SqlDocument:
    title: str
    organisation: str
    period_long: str
    running_head: str
    run_id: str
    tool_version: str
    generated_at: datetime
    checks: tuple[SqlText, ...]
    views: tuple[SqlText, ...]


def sql_document(context: dict) -> SqlDocument:
    """The document from the report's template context (:func:`.view.build_context`), as Appendix A shows it."""
    shown = reveal_invisible  # what the templates' finalize does to every value they print
    checks = tuple(SqlText(anchor=f"sql-{f.id}", id=f.id, path=shown(f.path), sha256=f.sql_sha256, sql=shown(f.sql),
                           status=f.status, finding=shown(f.title))
                   for f in sorted(context["findings"], key=lambda f: f.id))
    views = tuple(SqlText(anchor=f"view-{v.id}", id=v.id, path=shown(v.path), sha256=v.sql_sha256, sql=shown(v.sql),
                          read_by=tuple(v.read_by))
                  for v in context["shared_views"])
    return SqlDocument(title=shown(context["title"]), organisation=shown(context["organisation"]),
                       period_long=context["period_long"], running_head=context["outcome"].running_head,
                       run_id=context["run_id"], tool_version=context["tool_version"],
                       generated_at=datetime.fromisoformat(context["generated_at_iso"]), checks=checks, views=views)


def _code(text: str) -> Token:
    return Token(text, "mono", 8.5)


def _intro(doc: SqlDocument) -> list[Token]:
    words = [Token("Part of the compliance report of run "), _code(doc.run_id), Token(" ("), _code(REPORT_FILE),
             Token(" beside this file; its Appendix A lists every file below with its SHA-256, and "),
             _code("manifest.json"), Token(" holds this file's). Each check is one DuckDB SQL file; its metadata is "
                                           "the comment block at the top. Parameters ("), _code("$period_start"),
             Token(", "), _code("$period_end"), Token(" and the policy values in the report's Appendix C) are bound "
                                                      "by name, never formatted into the text. A line wider than the "
                                                      "page continues on the next after an arrow in the margin "
                                                      "(\u21b3); nothing is cut. Invisible characters, and any this "
                                                      "document's font cannot show, appear as "),
             _code("\u27e8U+XXXX\u27e9"), Token(".")]
    return words


def _heading(layout: Layout, f: SqlText) -> None:
    """The file's heading: id (and outcome), path, SHA-256, and where its finding or its readers are."""
    path_line = [Token(f.path, "mono", 7, MUTED), Token(" \u00b7 SHA-256 ", "sans", 7.5, MUTED),
                 Token(f.sha256, "mono", 7, MUTED)]
    if f.status is not None:
        tail = [Token("Findings: ", "sans", 7.5, MUTED), Token(f.finding, "sans", 7.5, link=f"{REPORT_FILE}#check-{f.id}")]
    else:
        tail = [Token("Read by ", "sans", 7.5, MUTED)]
        for i, cid in enumerate(f.read_by):
            tail += [Token(cid, "mono", 7, dest=f"sql-{cid}")] + ([Token(", ", "sans", 7.5, MUTED)]
                                                                  if i < len(f.read_by) - 1 else [])
    badge = None
    if f.status is not None:
        fg, bg = STATUS_COLOURS.get(f.status, (MUTED, PALETTE["rule-light"]))
        badge = (status_label(f.status), fg, bg)
    layout.file_heading(f.anchor, f.id, badge, [path_line, tail])


def _lay_out(doc: SqlDocument, fonts: dict[str, EmbeddedFont]) -> Layout:
    layout = Layout(fonts)
    layout.new_page()
    layout.destination("sql-head")
    layout.outline("Appendix A: check SQL", "sql-head", level=1)
    layout.line_of(doc.organisation, "sans", 13, MUTED, after=4)
    layout.line_of("Appendix A: check SQL", "sans-bold", 17, INK, after=4)
    layout.line_of(doc.period_long, "sans", 13, INK, after=8)
    layout.paragraph(_intro(doc), size=9.5, leading=13.5, after=6)
    for f in doc.checks:
        _heading(layout, f)
        layout.outline(f"{f.id} ({status_label(f.status)})", f.anchor, level=2)
        layout.listing(f.sql)
    if doc.views:
        layout.keep(60)
        layout.destination("sql-views")
        layout.outline("Shared views", "sql-views", level=2)
        layout.line_of("Shared views", "sans-bold", 12, INK, before=12, after=5)
        layout.paragraph([Token("Derivations several checks share are DuckDB views, created before the checks ran; a "
                                "check reads a view like a table. Each is part of what ran for the checks that read "
                                "it.")], size=9.5, leading=13.5, after=2)
        for v in doc.views:
            _heading(layout, v)
            layout.outline(v.id, v.anchor, level=3)
            layout.listing(v.sql)
    layout.decorate(doc.organisation, doc.running_head, doc.period_long, f"Run {doc.run_id}")
    return layout


def _pdf_date(when: datetime) -> pydyf.String:
    offset = when.utcoffset()
    if offset is None or not offset:
        return pydyf.String(when.strftime("D:%Y%m%d%H%M%SZ"))
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return pydyf.String(when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'")


def write_sql_pdf(doc: SqlDocument, path: Path) -> Path:
    atomic_write_bytes(path, render_sql_pdf(doc))
    return path


def render_sql_pdf(doc: SqlDocument) -> bytes:
    """report-sql.pdf's bytes."""
    fonts = report_fonts()
    layout = _lay_out(doc, fonts)
    pdf = pydyf.PDF()
    layout.write_into(pdf)
    pdf.info.update({
        "Title": pydyf.String(f"{doc.title}: Appendix A, check SQL"),
        "Author": pydyf.String(doc.organisation),
        "Subject": pydyf.String(f"The SQL of every check of run {doc.run_id} ({doc.period_long}), whole, with the "
                                "SHA-256 of each file."),
        "Creator": pydyf.String(f"auditreport {doc.tool_version}"),
        "Producer": pydyf.String(f"auditreport {doc.tool_version} (pydyf {pydyf.__version__})"),
        "CreationDate": _pdf_date(doc.generated_at),
        "ModDate": _pdf_date(doc.generated_at),
    })
    pdf.catalog["Lang"] = pydyf.String("en")
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", identifier=True, compress=True)  # the identifier: an MD5 of the content
    return out.getvalue()

