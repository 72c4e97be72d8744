"""The PDFs: WeasyPrint over the report's HTML, with PDF metadata from its <head>; report.pdf signed (PAdES, by
:mod:`auditreport.signing`) when the configuration has ``[signing]``.

``write_report_pdfs`` renders report.pdf in this process and report-sql.pdf (Appendix A's SQL texts, about two fifths
of the pages the report had when they were inside it) in a second process at the same time. The two documents share
no page flow: report.pdf's page numbers, contents and bookmarks are its own, and its Appendix A names each SQL file
with its SHA-256 and links into report-sql.pdf.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..errors import EnvironmentFailure
from ._io import atomic_write_bytes


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


def write_report_pdfs(pdf_html: str, sql_html: str, path: Path, sql_path: Path, signing=None,
                      timings: dict[str, float] | None = None) -> tuple[Path, Path]:
    """report.pdf from ``pdf_html`` (signed with ``signing``) here, report-sql.pdf from ``sql_html`` in a child process
    started first ("spawn": the parent holds DuckDB's threads, which a fork would copy mid-flight). ``timings`` gets the
    seconds each took, wall time from the start of both."""
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        sql_pdf = pool.submit(html_to_pdf, sql_html)
        write_pdf(pdf_html, path, signing)
        t_main = time.perf_counter() - t0
        try:
            sql_bytes = sql_pdf.result()
        except BrokenProcessPool as e:  # the child was killed (out of memory, a signal): the machine's doing
            raise EnvironmentFailure(sql_path, f"the process rendering it ended abnormally ({e})") from e
        atomic_write_bytes(sql_path, sql_bytes)
    if timings is not None:
        timings["report.pdf"] = round(t_main, 3)
        timings["report-sql.pdf"] = round(time.perf_counter() - t0, 3)  # joined: at least report.pdf's time
    return path, sql_path
