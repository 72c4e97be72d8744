"""report.pdf's render worker: the task of a :class:`auditreport.load.worker_pool.WorkerPool` of
:data:`auditreport.report.pdf.RENDER_TASK`, one HTML document to PDF bytes, with what
:mod:`auditreport.report.pdf_join` needs to put the parts together, as plain data.

At the package's top level, importing only the standard library (WeasyPrint inside the functions): a worker imports
this module and WeasyPrint, not the report package (DuckDB, pyarrow, Jinja: 0.6 s of CPU). :func:`warm_up`, which the
pool runs when the worker starts, imports WeasyPrint and lays out a line (fontconfig and Pango load their fonts), so a
worker started ahead (:func:`auditreport.report.pdf.prestart_render_workers`) has done both before its first part.
"""

from __future__ import annotations

import re

CROSS_PART = "auditreport-dest:"  # the URI of a link to another part's anchor, from its render to the join
PDF_SCALE = 0.75  # PDF points per CSS pixel: WeasyPrint's at zoom 1
SLOT_PREFIX = "lx-"  # an anchor so named is a slot whose text is drawn apart (auditreport.report.pdf_listing)
NUMBER_PREFIX = "pn-"  # ... and one whose page number is (the contents': auditreport.report.pdf_contents)
INDEX_PREFIX = "sx-"  # ... and one holding a line of Appendix A's index (auditreport.report.pdf_sql_index)
_SHEETS: dict[str, object] = {}  # style sheet text -> parsed, for every document this worker renders
_SIZED_ARRAY = re.compile(r"([\w *]+)\[(\d+)\]")  # a C array type of one dimension and a size: "T[N]"


def pdf_bytes(document) -> bytes:
    """``document`` written, its streams compressed by qpdf (pikepdf) at zlib's level 6: pydyf, WeasyPrint's writer,
    compresses every stream at level 9, a third of writing report.pdf's findings (59 pages: 1.55-1.66 s written by
    WeasyPrint, 1.13-1.15 s uncompressed then compressed here, a file 18% larger). Same document, same bytes."""
    import io

    import pikepdf

    pikepdf.settings.set_flate_compression_level(6)
    with pikepdf.open(io.BytesIO(document.write_pdf(uncompressed_pdf=True))) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, compress_streams=True, deterministic_id=True)
    return buffer.getvalue()


def no_fetch(url: str, *args, **kwargs):
    """The report is self-contained; nothing in it may make WeasyPrint fetch a URL (files or network)."""
    raise ValueError(f"report rendering does not fetch external resources: {url[:80]}")


def _sheet(text: str):
    from weasyprint import CSS

    if text not in _SHEETS:
        if len(_SHEETS) >= 8:
            _SHEETS.clear()
        _SHEETS[text] = CSS(string=text, url_fetcher=no_fetch)
    return _SHEETS[text]


def _share_sized_array_types() -> None:
    """WeasyPrint's cffi ``ffi.new`` made to parse the type of a sized array once for every size: ``new("T[N]",
    init)`` with a list or tuple of exactly N items is ``new("T[]", init)``, the same N items in the same memory.

    Why: WeasyPrint subsets each font of each document with HarfBuzz, handing it the glyphs as
    ``ffi.new(f"hb_codepoint_t[{n}]", items)`` with a new ``n`` for nearly every font of every part; cffi parses
    each new type string with pycparser (about 5 ms) before it caches it: 53 parses over the sample month's
    report.pdf parts, 0.22-0.35 s of CPU, where ``T[]`` is parsed once. Anything else (another init: none, bytes, a
    shorter list; a type of another form) goes to cffi's own ``new`` as it was. The array's ``ffi.typeof`` says
    ``T[]``, its ``len`` and ``sizeof`` are N as before. Done once per process, on the first document (never over a
    ``new`` set already)."""
    from weasyprint.text.ffi import ffi

    if "new" in vars(ffi):
        return
    new = ffi.new

    def new_array(cdecl, init=None):
        if isinstance(init, (list, tuple)) and isinstance(cdecl, str):
            sized = _SIZED_ARRAY.fullmatch(cdecl)
            if sized and int(sized.group(2)) == len(init):
                cdecl = sized.group(1).rstrip() + "[]"
        return new(cdecl, init)

    ffi.new = new_array


def _layout(html: str, css: list[str] = ()):
    """``css``: the document's style sheets (in order, after any in its HTML). WeasyPrint gives a style sheet passed
    apart the user origin, which ranks as the author's would here: the report's HTML has no other author style sheet,
    and its style attributes win over either (CSS Cascade: author normal over user normal, user !important over
    author !important), as they did over the same rules in its <head>."""
    from weasyprint import HTML

    _share_sized_array_types()
    # No base_url: links to evidence/<check>.csv stay relative, so they work beside the PDF wherever it is copied.
    return HTML(string=html, url_fetcher=no_fetch).render(stylesheets=[_sheet(text) for text in css])


def render(task: dict) -> dict:
    """``task["html"]`` rendered, the garbage collector paused meanwhile: the layout is millions of objects, boxes and
    their parents in cycles, which the collector walked again and again as they grew (~280 collections a part) to
    free nothing; the part's whole layout is freed at once when it is done, by one collection. With the heap frozen
    after :func:`warm_up`, that collection and the few others walk only what the parts made (the four largest parts
    of the sample month: 0.71-0.83 s of the worker's CPU in collections, now 0.18-0.20 s; peak RSS +3 MB)."""
    import gc

    from .load.gc_pause import gc_paused

    with gc_paused():
        result = _render(task)
    gc.collect()
    return result


def _render(task: dict) -> dict:
    """``task["html"]`` rendered. A whole document (``task["whole"]``): ``{"pdf", "pages"}`` as WeasyPrint writes it.
    A part: its PDF and, page by page, its anchors ``(name, x, y)`` and bookmarks ``(level, label, x, y, state)`` in
    PDF points from the page's bottom left, where WeasyPrint puts them; an internal link to an anchor the part does
    not hold (WeasyPrint would drop it) becomes a link to ``CROSS_PART + name``, which the join makes a link to the
    named destination again."""
    document = _layout(task["html"], task.get("css", ()))
    slots = [_slots(page) for page in document.pages]  # before writing: WeasyPrint writes every anchor as a destination
    if task.get("whole"):
        return {"pdf": pdf_bytes(document), "pages": len(document.pages), "slots": slots}
    held = {name for page in document.pages for name in page.anchors}
    pages = []
    for page, page_slots in zip(document.pages, slots):
        page.links[:] = [("external", CROSS_PART + target, *rest) if kind == "internal" and target not in held
                         else (kind, target, *rest) for kind, target, *rest in page.links]  # fmt: skip
        h = page.height
        pages.append({
            "anchors": [(name, x * PDF_SCALE, (h - y) * PDF_SCALE) for name, (x, y, *_r) in page.anchors.items()],
            "bookmarks": [(level, label, x * PDF_SCALE, (h - y) * PDF_SCALE, state)
                          for level, label, (x, y), state in page.bookmarks],
            "slots": page_slots,
        })  # fmt: skip
    return {"pdf": pdf_bytes(document), "pages": pages}


def _slots(page) -> list[tuple[str, float, float, float, float]]:
    """The slots on ``page`` (name, then left, top, right, bottom of its box in PDF points from the page's bottom
    left), taken out of its anchors: a slot is a place to draw text, not a destination. A slot repeated on the page
    after (a listing's header, at the top of every page it runs onto) is on each."""
    h = page.height
    slots = [(name, x * PDF_SCALE, (h - y) * PDF_SCALE, x2 * PDF_SCALE, (h - y2) * PDF_SCALE)
             for name, (x, y, x2, y2) in page.anchors.items()
             if name.startswith((SLOT_PREFIX, NUMBER_PREFIX, INDEX_PREFIX))]  # fmt: skip
    for name, *_box in slots:
        del page.anchors[name]
    return slots


def warm_up() -> None:
    """WeasyPrint and pikepdf imported and the fonts loaded, before the first part; then all of it (the modules,
    fonts, caches) frozen out of the garbage collector's walks (``gc.freeze``: it lives as long as the worker)."""
    import gc

    try:
        pdf_bytes(_layout("<p>warm</p>"))
    except Exception:  # noqa: BLE001, S110 - only a head start: the first part reports any real failure
        pass
    gc.collect()
    gc.freeze()
