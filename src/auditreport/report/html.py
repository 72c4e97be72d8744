"""Render the report HTML: one Jinja2 template set, CSS and our one script inlined, no external assets.

:class:`DocumentRenderer` builds the view once and renders from it, each when asked (``render_documents``: all three), ``report.html`` (every check's SQL inline in Appendix A)
and the HTML report.pdf is rendered from (the same, except that Appendix A lists each SQL file with its SHA-256 and a
link into ``report-sql.pdf``), and takes from the same view the data of ``report-sql.pdf`` (the SQL texts, which
:mod:`.sql_pdf` writes without HTML).

Autoescape is always on: every evidence value, reason and source detail can be attacker-controlled log text.
Every ``{{ ... }}`` output also passes ``finalize``, which shows invisible and bidi-control characters as ``⟨U+XXXX⟩``.

The script (``templates/report.js``: sorting and filtering in a browser; WeasyPrint runs none) is the only one the
page may run: the Content-Security-Policy in its ``<head>`` allows that script by its SHA-256 and no other, no
fetch of any kind (``default-src 'none'``), inline styles only.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..checks.frameworks import Framework
from ..resources import templates_dir
from ..results import RunResult
from .order import severity_rank, status_rank
from .values import reveal_invisible, status_label
from .figures import trend_lines
from .view import build_context

if TYPE_CHECKING:
    from .sql_pdf import SqlDocument


def report_script(template_dir: Path | None = None) -> str:
    """The page's script, as inlined between ``<script>`` and ``</script>``."""
    script = ((template_dir or templates_dir()) / "report.js").read_text(encoding="utf-8")
    if "</script" in script.lower() or "<!--" in script:
        raise ValueError("report.js may not hold '</script' or '<!--': the HTML parser would end the script there")
    return script


def content_security_policy(script: str) -> str:
    """What the browser lets report.html do: run ``script`` (by its SHA-256) and inline styles; fetch nothing."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return reveal_invisible(value)
    return value


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))


def _size(value: int | None) -> str:
    if value is None:
        return ""
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


def _colname(name: Any) -> Markup:
    """A column name that may wrap after its underscores rather than mid-word."""
    parts = reveal_invisible(str(name)).split("_")
    return Markup("_<wbr>").join(escape(p) for p in parts)


def environment(template_dir: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir or templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        # no constant folding: the templates are compiled in every run and rendered twice, and the optimiser's pass
        # cost more of their compiling (the sample month: 0.02-0.05 s of CPU before report.pdf's parts can start)
        # than it saves their rendering; the same HTML either way
        optimized=False,
    )
    env.filters["num"] = _num
    env.filters["size"] = _size
    env.filters["status_label"] = status_label
    env.filters["colname"] = _colname
    env.filters["status_rank"] = status_rank
    env.filters["severity_rank"] = severity_rank
    return env


SQL_PDF = "report-sql.pdf"  # Appendix A's texts, beside report.pdf


@dataclass
class ReportDocuments:
    html: str  # report.html
    pdf_html: str  # what report.pdf is rendered from
    sql: SqlDocument | None  # what report-sql.pdf is written from (None without the PDFs)


def _context(result: RunResult, frameworks: dict[str, Framework], generated_at: datetime, evidence_row_cap: int,
             quarantine_row_cap: int, input_row_cap: int, tdir: Path, trend) -> dict:
    context = build_context(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap)
    context["trend"] = trend
    context["engine"] = result.engine or {"name": "duckdb"}  # what ran the checks (Appendix A says)
    context["privacy"] = result.privacy  # [privacy]: mode, fields, patterns, key id; None when names are as recorded
    context["trend_by_check"] = trend.by_check() if trend is not None else {}
    context["trend_lines"] = trend_lines(result, trend)
    # Our own stylesheet, inlined verbatim (not parsed as a template).
    context["css"] = Markup((tdir / "report.css").read_text(encoding="utf-8"))
    script = report_script(tdir)
    context["script"] = Markup(script)
    context["content_security_policy"] = content_security_policy(script)
    context["sql_file"] = None  # Appendix A holds the SQL texts itself
    context["for_pdf"] = False  # report.pdf's HTML: evidence as a fixed-width listing rather than a table
    context["drawn_listings"] = {}  # report.pdf's HTML: check id -> its listing's slots (:mod:`.pdf_listing`)
    context["slots_element"] = None
    context["sql_index"] = None  # report.pdf's HTML: Appendix A's index (:mod:`.pdf_sql_index`)
    context["sql_index_element"] = None
    return context


class DocumentRenderer:
    """One view of the run (built once), rendered into each document when asked: report.pdf's HTML first when the
    PDF's parts are to render while this process goes on with report.html (:func:`auditreport.report.write_reports`)."""

    def __init__(self, result: RunResult, frameworks: dict[str, Framework], generated_at: datetime,
                 evidence_row_cap: int = 25, quarantine_row_cap: int = 50, input_row_cap: int = 500,
                 template_dir: Path | None = None, trend=None, draw_listings: bool = True):  # fmt: skip
        """``draw_listings``: report.pdf's evidence listings and Appendix A's index as slots whose text
        :mod:`.pdf_listing` and :mod:`.pdf_sql_index` draw (False: as text for WeasyPrint, as a whole render of the
        HTML needs)."""
        tdir = template_dir or templates_dir()
        self.draw_listings = draw_listings
        self.env = environment(tdir)
        self.context = _context(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap,
                                tdir, trend)  # fmt: skip

    def html(self) -> str:
        """report.html."""
        return self.env.get_template("report.html.j2").render(**self.context)

    def pdf_html(self) -> str:
        """What report.pdf is rendered from."""
        from .pdf_sql_index import index
        from .pdf_sql_index import slots_element as index_element

        sql_index = index(self.context["findings"], self.context["shared_views"], SQL_PDF, self.draw_listings)
        pdf = {"sql_file": SQL_PDF, "for_pdf": True, "sql_index": sql_index,
               "sql_index_element": index_element(sql_index)}  # fmt: skip
        if self.draw_listings:
            from .pdf_listing import plan, slots_element

            # the findings whose evidence the template lists (partials/findings.html.j2); a slot of any other would
            # be on no page, which report.pdf's render refuses (report.pdf.report_pdf_bytes)
            drawn, texts = plan({f.id: f.evidence.listing for f in self.context["detailed"] if f.rows})
            pdf.update(drawn_listings=drawn, slots_element=slots_element(texts) if texts else None)
        return self.env.get_template("report.html.j2").render(**{**self.context, **pdf})

    def sql(self) -> SqlDocument:
        """What report-sql.pdf is written from."""
        from .sql_pdf import sql_document  # pydyf and fontTools: only the PDFs need them

        return sql_document(self.context)


def render_documents(
    result: RunResult,
    frameworks: dict[str, Framework],
    generated_at: datetime,
    evidence_row_cap: int = 25,
    quarantine_row_cap: int = 50,
    input_row_cap: int = 500,
    template_dir: Path | None = None,
    trend=None,
    pdf: bool = True,
    draw_listings: bool = True,
) -> ReportDocuments:
    """report.html, and with ``pdf`` report.pdf's HTML and report-sql.pdf's data (else "" and None), from one view of
    the run."""
    renderer = DocumentRenderer(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap,
                                template_dir, trend, draw_listings)  # fmt: skip
    if not pdf:
        return ReportDocuments(html=renderer.html(), pdf_html="", sql=None)
    return ReportDocuments(html=renderer.html(), pdf_html=renderer.pdf_html(), sql=renderer.sql())


def render_html(result: RunResult, frameworks: dict[str, Framework], generated_at: datetime, *args, **kwargs) -> str:
    """report.html (the arguments are ``render_documents``'s)."""
    return render_documents(result, frameworks, generated_at, *args, **kwargs, pdf=False).html
