"""The PDFs: report.pdf is WeasyPrint over the report's HTML, with PDF metadata from its <head>, signed (PAdES, by
:mod:`auditreport.signing`) when the configuration has ``[signing]``; report-sql.pdf (Appendix A's SQL texts, about two
fifths of the pages the report had when they were inside it) is written directly by :mod:`.sql_pdf`, a fixed-width
listing that needs no layout engine.

report.pdf is rendered in parts on every core (at most four), by worker processes started ahead
(:func:`prestart_render_workers`): the HTML is cut at its forced page breaks (:mod:`.pdf_parts`), the parts are
rendered largest first (:mod:`auditreport.pdf_worker`), the contents with its page numbers' boxes empty; the margin
boxes of every page, the contents' page numbers (:mod:`.pdf_contents`) and the evidence listings' text
(:mod:`.pdf_listing`) are drawn directly (:mod:`.pdf_margins`), and :mod:`.pdf_join` puts them together into the
document WeasyPrint would have written from the whole HTML: the same pages, text, page numbers, links and bookmarks
(the margin lines in DejaVu Sans where WeasyPrint's was the machine's Arial, Liberation Sans).

The two documents share no page flow: report.pdf's page numbers, contents and bookmarks are its own, and its Appendix A
names each SQL file with its SHA-256 and links into report-sql.pdf.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..errors import AuditReportError, EnvironmentFailure
from ..load.worker_pool import WorkerDied, WorkerPool, load_workers, prestart
from ._io import atomic_write_bytes


RENDER_TASK = "auditreport.pdf_worker:render"  # top level: a worker imports it, not the report package


def render_workers() -> int:
    """Processes rendering report.pdf's parts: one per core, at most four (a report has about ten
    sections, the findings the largest by far)."""
    return min(4, load_workers())


def prestart_render_workers() -> None:
    """Start report.pdf's render workers now (the interpreter, WeasyPrint, pikepdf and the fonts: about 0.6 s of CPU),
    so that they load while the caller builds the report's HTML: the first loads them, the others are its forks once
    it has (:mod:`auditreport.load.worker_fork`). The report's pool takes them."""
    prestart(RENDER_TASK, render_workers(), fork=True)


def report_pdf_bytes(html: str, path: Path, handed_out: threading.Event | None = None) -> bytes:
    """report.pdf from ``html``, rendered in parts and joined (see the module's note); a dead worker is an
    :class:`EnvironmentFailure` naming ``path``. ``handed_out`` is set once the workers have every part (or the
    render has failed): what the caller does in this process from then on no longer delays their start."""
    try:
        return _report_pdf_bytes(html, path, handed_out or threading.Event())
    finally:
        if handed_out is not None:
            handed_out.set()


def _report_pdf_bytes(html: str, path: Path, handed_out: threading.Event) -> bytes:
    from .pdf_contents import ContentsNumbers
    from .pdf_join import join_pdf, overlay_pdf
    from .pdf_listing import Listings, slot_texts
    from .pdf_margins import cover_strings, margin_fonts, margins_pdf
    from .pdf_parts import CannotSplit, number_targets, page_numbers, part_task, split_report
    from .pdf_sql_index import IndexLines
    from .pdf_sql_index import slot_texts as index_texts

    texts, index = slot_texts(html), index_texts(html)
    workers = render_workers()
    try:
        with WorkerPool(RENDER_TASK, workers, fork=True) as pool:
            try:
                split = split_report(html)
            except CannotSplit:  # not the report's template: rendered whole, as it is
                handed_out.set()
                [(_task, whole)] = pool.run([{"html": html, "whole": True}])
                if not texts and not index:
                    return whole["pdf"]
                listings = _placed(Listings(texts, whole["slots"]), path)
                lines = _placed(IndexLines(index, whole["slots"]), path)
                return overlay_pdf(whole["pdf"], margins_pdf(whole["pages"], None, listings, index=lines))
            tasks = [dict(part_task(split, section), index=i) for i, section in enumerate(split.sections)]
            targets = number_targets(split)
            rendered: list[dict] = [{}] * len(tasks)
            fonts = None
            handed_out.set()  # the parts are made; sending them is the pool's threads' (a few ms)
            for task, result in pool.run(sorted(tasks, key=lambda t: -len(t["html"]))):  # largest first
                rendered[task["index"]] = result
                fonts = fonts or margin_fonts(bool(targets))  # while the other parts render
            pages = [page for part in rendered for page in part["pages"]]
            slots = [page["slots"] for page in pages]
            numbers = page_numbers([[name for name, _x, _y in page["anchors"]] for page in pages])
            numbers = ContentsNumbers(targets, numbers, slots) if targets else None
            drawn = margins_pdf(len(pages), cover_strings(split.sections[0].html),
                                _placed(Listings(texts, slots), path), numbers, fonts,
                                _placed(IndexLines(index, slots), path))
            return join_pdf(rendered[0], drawn, rendered[1:])
    except WorkerDied as e:  # killed (out of memory, a signal): the machine's doing
        raise EnvironmentFailure(path, f"a process rendering it ended abnormally ({e})") from e


def _placed(listings, path: Path):
    """``listings`` (an evidence listing's or Appendix A's index's lines) when the render placed every slot; else the
    project's error naming report.pdf (their lines would be missing from it)."""
    if missing := listings.unplaced():
        raise AuditReportError(f"{path}: {len(missing)} {listings.what} were laid out on no page "
                               f"(the first: {missing[0]})")
    return listings


def write_pdf(html: str, path: Path, signing=None, handed_out: threading.Event | None = None) -> Path:
    """report.pdf; ``signing``: None, or (signer, SigningSettings) to sign the PDF before it is written;
    ``handed_out``: :func:`report_pdf_bytes`'s."""
    pdf = report_pdf_bytes(html, path, handed_out)
    if signing is not None:
        from ..signing import sign_pdf_bytes

        pdf = sign_pdf_bytes(pdf, *signing)
    atomic_write_bytes(path, pdf)
    return path
