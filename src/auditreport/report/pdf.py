"""The PDFs: report.pdf is WeasyPrint over the report's HTML, with PDF metadata from its <head>, signed (PAdES, by
:mod:`auditreport.signing`) when the configuration has ``[signing]``; report-sql.pdf (Appendix A's SQL texts, about two
fifths of the pages the report had when they were inside it) is written directly by :mod:`.sql_pdf`, a fixed-width
listing that needs no layout engine.

The two documents share no page flow: report.pdf's page numbers, contents and bookmarks are its own, and its Appendix A
names each SQL file with its SHA-256 and links into report-sql.pdf.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write_bytes

if TYPE_CHECKING:
    from .sql_pdf import SqlDocument


def _no_fetch(url: str, *args, **kwargs):
    """The report is self-contained; nothing in it may make WeasyPrint fetch a URL (files or network)."""
    raise ValueError(f"report rendering does not fetch external resources: {url[:80]}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: WeasyPrint is slow to import and only the PDF needs it

    # No base_url: links to evidence/<check>.csv stay relative, so they work beside the PDF wherever it is copied.
    document = HTML(string=html, url_fetcher=_no_fetch).render()
    return document.write_pdf()


def write_pdf(html: str, path: Path, signing=None) -> Path:
    """``signing``: None, or (signer, SigningSettings) to sign the PDF before it is written."""
    pdf = html_to_pdf(html)
    if signing is not None:
        from ..signing import sign_pdf_bytes

        pdf = sign_pdf_bytes(pdf, *signing)
    atomic_write_bytes(path, pdf)
    return path


def write_report_pdfs(pdf_html: str, sql: SqlDocument, path: Path, sql_path: Path, signing=None,
                      timings: dict[str, float] | None = None) -> tuple[Path, Path]:
    """report-sql.pdf from ``sql`` (a few tenths of a second: no second process is worth starting for it), then
    report.pdf from ``pdf_html`` (signed with ``signing``). ``timings`` gets the seconds each took."""
    from .sql_pdf import write_sql_pdf  # pydyf and fontTools: only the PDFs need them

    t0 = time.perf_counter()
    write_sql_pdf(sql, sql_path)
    t_sql = time.perf_counter() - t0
    write_pdf(pdf_html, path, signing)
    if timings is not None:
        timings["report.pdf"] = round(time.perf_counter() - t0 - t_sql, 3)
        timings["report-sql.pdf"] = round(t_sql, 3)
    return path, sql_path
