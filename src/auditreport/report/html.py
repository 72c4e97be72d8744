"""Render the report HTML: one Jinja2 template set, CSS inlined, no scripts, no external assets.

``render_documents`` builds the view once and renders the three documents of a report from it: ``report.html`` (every
check's SQL inline in Appendix A), the HTML report.pdf is rendered from (the same, except that Appendix A lists each SQL
file with its SHA-256 and a link into ``report-sql.pdf``), and the HTML of ``report-sql.pdf`` (the SQL texts).

Autoescape is always on: every evidence value, reason and source detail can be attacker-controlled log text.
Every ``{{ ... }}`` output also passes ``finalize``, which shows invisible and bidi-control characters as ``⟨U+XXXX⟩``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

import auditreport

from ..checks.frameworks import Framework
from ..results import RunResult
from .values import reveal_invisible
from .view import build_context


def templates_dir() -> Path:
    """The repository's ``templates/`` (source checkout or editable install); a ``templates/`` inside the package
    is used instead when present, for installs that ship it as package data."""
    package = Path(auditreport.__file__).resolve().parent
    for candidate in (package.parents[1] / "templates", package / "templates"):
        if (candidate / "report.html.j2").is_file():
            return candidate
    raise FileNotFoundError(f"report templates not found: looked in {package.parents[1] / 'templates'} and {package / 'templates'}")


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


def _status_label(status: str) -> str:
    return {"no_data": "NO DATA", "not_assessed": "NOT ASSESSED"}.get(status, status.upper())


def environment(template_dir: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir or templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["num"] = _num
    env.filters["size"] = _size
    env.filters["status_label"] = _status_label
    env.filters["colname"] = _colname
    return env


SQL_PDF = "report-sql.pdf"  # Appendix A's texts, beside report.pdf


@dataclass
class ReportDocuments:
    html: str  # report.html
    pdf_html: str  # what report.pdf is rendered from
    sql_html: str  # what report-sql.pdf is rendered from


def _context(result: RunResult, frameworks: dict[str, Framework], generated_at: datetime, evidence_row_cap: int,
             quarantine_row_cap: int, input_row_cap: int, tdir: Path, trend) -> dict:
    context = build_context(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap)
    context["trend"] = trend
    context["trend_by_check"] = trend.by_check() if trend is not None else {}
    # Our own stylesheet, inlined verbatim (not parsed as a template).
    context["css"] = Markup((tdir / "report.css").read_text(encoding="utf-8"))
    context["sql_file"] = None  # Appendix A holds the SQL texts itself
    context["report_file"] = ""  # links to findings stay inside the document
    return context


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
) -> ReportDocuments:
    """report.html, and with ``pdf`` report.pdf's HTML and report-sql.pdf's HTML (else ""), from one view of the
    run."""
    tdir = template_dir or templates_dir()
    env = environment(tdir)
    context = _context(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap, tdir, trend)
    html = env.get_template("report.html.j2").render(**context)
    if not pdf:
        return ReportDocuments(html=html, pdf_html="", sql_html="")
    pdf_html = env.get_template("report.html.j2").render(**{**context, "sql_file": SQL_PDF})
    sql_html = env.get_template("report-sql.html.j2").render(**context)
    return ReportDocuments(html=html, pdf_html=pdf_html, sql_html=sql_html)


def render_html(result: RunResult, frameworks: dict[str, Framework], generated_at: datetime, *args, **kwargs) -> str:
    """report.html (the arguments are ``render_documents``'s)."""
    return render_documents(result, frameworks, generated_at, *args, **kwargs, pdf=False).html
