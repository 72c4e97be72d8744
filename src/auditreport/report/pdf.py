"""The PDF: WeasyPrint over the very HTML string of report.html, with PDF metadata from its <head>; signed (PAdES, by
:mod:`auditreport.signing`) when the configuration has ``[signing]``."""

from __future__ import annotations

from pathlib import Path

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
