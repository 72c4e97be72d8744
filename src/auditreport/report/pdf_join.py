"""report.pdf put together from its parts (:mod:`.pdf_parts`, rendered by :mod:`auditreport.pdf_worker`), with
pikepdf.

The front's pages (the cover), then every part's (the contents first), each with its page of margin boxes (running
heads, "Run <id>", "Page X of Y": :mod:`.pdf_margins`) laid over it. Then, for the whole document as WeasyPrint would
have written it:

- one ``/Names /Dests`` tree: every anchor where its page now is (the first of a name wins, as in WeasyPrint);
- the links of the text drawn over the pages (:mod:`.pdf_sql_index`), as annotations of the page they lay over;
- internal links: a part writes a link to an anchor it holds as ``/Dest (name)``, which the tree resolves; a link to
  another part's anchor came as a URI ``CROSS_PART + name`` and becomes ``/Dest (name)``; one whose anchor is
  nowhere is removed (WeasyPrint drops it too);
- one outline built from every page's bookmarks in order, by WeasyPrint's rule for skipped heading levels;
- one text for each glyph of a font: WeasyPrint maps a glyph to the text it first drew it for (an ellipsis that
  ends a clipped line stands for the words it hides), so each part has its own map; the whole document's is the
  first in page order, which every part's copy of the font is given;
- the document information and language of the front document (the same <head> as every part).
"""

from __future__ import annotations

import io
import re
import warnings

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..pdf_worker import CROSS_PART


def join_pdf(front: dict, margins: bytes, parts: list[dict]) -> bytes:
    """``front`` and ``parts`` are render results (``{"pdf": bytes, "pages": [{"anchors", "bookmarks"}, ...]}``), the
    front's pages first; ``margins`` a PDF with a page of margin boxes for each of their pages (:mod:`.pdf_margins`)."""
    out = pikepdf.open(io.BytesIO(front["pdf"]))
    front_pages = len(front["pages"])
    overlay = pikepdf.open(io.BytesIO(margins))
    total = front_pages + sum(len(p["pages"]) for p in parts)
    if len(overlay.pages) != total:
        raise ValueError(f"the margin boxes are for {len(overlay.pages)} pages, not {total}")
    sources = [pikepdf.open(io.BytesIO(part["pdf"])) for part in parts]
    with warnings.catch_warnings():  # "named destinations are not preserved": they are built below, for all parts
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        for source in sources:
            out.pages.extend(source.pages)
    starts = [front_pages + sum(len(p["pages"]) for p in parts[:i]) for i in range(len(parts))]
    unify_text_maps([_fonts(out.pages[0].obj), *(_fonts(out.pages[i].obj) for i in starts)])
    _lay_over(out, overlay)  # after the maps: the margin boxes' fonts keep their own
    pages = front["pages"] + [page for part in parts for page in part["pages"]]
    dests = _destinations(out, pages)
    _relink(out, dests)
    _outline(out, pages)
    buffer = io.BytesIO()
    # streams as the workers compressed them; the many small objects (a part's fonts, annotations) in compressed
    # object streams: 1,178 -> 966 KB for the sample month (WeasyPrint's whole render: 705 KB, one subset per font)
    out.save(buffer, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)  # same parts, same bytes
    for pdf in [overlay, *sources]:
        pdf.close()
    return buffer.getvalue()


def overlay_pdf(pdf: bytes, overlay: bytes) -> bytes:
    """``pdf`` with each page of ``overlay`` laid over its page (a document rendered whole, and its listings' text)."""
    out = pikepdf.open(io.BytesIO(pdf))
    with pikepdf.open(io.BytesIO(overlay)) as boxes:
        _lay_over(out, boxes)
        if Name.Names in out.Root and Name.Dests in out.Root.Names:  # the overlay's links to anchors nowhere: dropped
            names = out.Root.Names.Dests.get(Name.Names) or Array()
            _relink(out, {str(names[i]): names[i + 1] for i in range(0, len(names), 2)})
        else:
            _relink(out, {})
        buffer = io.BytesIO()
        out.save(buffer, compress_streams=True, deterministic_id=True)
    return buffer.getvalue()


def _lay_over(out: pikepdf.Pdf, overlay: pikepdf.Pdf) -> None:
    """Each page of ``overlay`` drawn over ``out``'s page of the same number, as ``Page.add_overlay`` does but under
    a name of our own (pikepdf names the form at random, and the same report would not be the same bytes twice; one
    name per page: a part's pages share one resource dictionary, WeasyPrint's, where each page's form is one more
    entry), and its link annotations made that page's."""
    for index, (page, over) in enumerate(zip(out.pages, overlay.pages, strict=True)):
        form = out.copy_foreign(over.as_form_xobject())
        name = page.add_resource(form, Name.XObject, Name(f"/AuditreportOverlay{index}"))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n", prepend=False)
        page.contents_add(page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.trimbox)), prepend=False)
        page.contents_coalesce()
        _add_links(out, page, over)


def _add_links(out: pikepdf.Pdf, page: pikepdf.Page, over: pikepdf.Page) -> None:
    """The link annotations of ``over`` (drawn text's: :mod:`.pdf_sql_index`) made annotations of ``page``, after its
    own: the overlay lays over the page as it is, so their rectangles are the page's."""
    annots = over.obj.get(Name.Annots)
    if not annots:
        return
    if Name.Annots not in page.obj:
        page.obj.Annots = Array()
    for annot in annots:
        page.obj.Annots.append(out.copy_foreign(annot))


def _destinations(out: pikepdf.Pdf, pages: list[dict]) -> dict[str, Array]:
    dests: dict[str, Array] = {}
    for page, data in zip(out.pages, pages):
        for name, x, y in data["anchors"]:
            dests.setdefault(name, Array([page.obj, Name.XYZ, x, y, 0]))
    names = Array()
    for name in sorted(dests):
        names.append(String(name))
        names.append(dests[name])
    if dests:
        if Name.Names not in out.Root:
            out.Root.Names = Dictionary()
        out.Root.Names.Dests = out.make_indirect(Dictionary(Names=names))
    elif Name.Names in out.Root:
        del out.Root.Names
    return dests


def _relink(out: pikepdf.Pdf, dests: dict[str, Array]) -> None:
    for page in out.pages:
        annots = page.obj.get(Name.Annots)
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            action = annot.get(Name.A)
            uri = str(action.get(Name.URI, "")) if action is not None else ""
            if uri.startswith(CROSS_PART):
                name = uri[len(CROSS_PART):]
                if name not in dests:
                    continue  # no anchor of that name anywhere: WeasyPrint drops such a link
                del annot.A
                annot.Dest = String(name)
            elif Name.Dest in annot and str(annot.Dest) not in dests:
                continue
            kept.append(annot)
        page.obj.Annots = kept


def bookmark_tree(flat: list[tuple]) -> list[tuple]:
    """``(label, page, x, y, state, children)`` trees from ``(page, level, label, x, y, state)`` in document order:
    WeasyPrint's rule (``make_page_bookmark_tree``), over the whole document instead of one part. A level deeper
    than the previous one by more than one is one deeper in the tree; a shallower one closes what it skipped."""
    root: list[tuple] = []
    skipped: list[int] = []  # per output depth, how many heading levels it skipped
    last_by_depth = [root]
    previous = 0
    for page, level, label, x, y, state in flat:
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list[tuple] = []
        last_by_depth[depth - 1].append((label, page, x, y, state, children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    return root


def _outline(out: pikepdf.Pdf, pages: list[dict]) -> None:
    if Name.Outlines in out.Root:
        del out.Root.Outlines
    flat = [(i, level, label, x, y, state) for i, data in enumerate(pages)
            for level, label, x, y, state in data["bookmarks"]]  # fmt: skip
    if not flat:
        return

    def items(trees):
        for label, page, x, y, state, children in trees:
            item = pikepdf.OutlineItem(label, Array([out.pages[page].obj, Name.XYZ, x, y, 0]))
            item.is_closed = state == "closed"
            item.children.extend(items(children))
            yield item

    with out.open_outline() as outline:
        outline.root.extend(items(bookmark_tree(flat)))


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


def _fonts(holder, seen: set | None = None) -> list[pikepdf.Dictionary]:
    """The fonts of a page or form XObject's resources, and of the form XObjects it draws, recursively."""
    seen = set() if seen is None else seen
    found = []
    resources = holder.get(Name.Resources) or Dictionary()
    for font in (resources.get(Name.Font) or Dictionary()).values():
        if font.objgen not in seen:
            seen.add(font.objgen)
            found.append(font)
    for xobject in (resources.get(Name.XObject) or Dictionary()).values():
        if xobject.get(Name.Subtype) == Name.Form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            found += _fonts(xobject, seen)
    return found


def _text_map(cmap: bytes) -> dict[int, str]:
    return {int(gid, 16): bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
            for block in _BFCHAR.findall(cmap) for gid, text in _PAIR.findall(block)}  # fmt: skip


def unify_text_maps(documents: list[list[pikepdf.Dictionary]]) -> None:
    """``documents``: each document's fonts, documents in page order. A font (by its ``/BaseFont``, which WeasyPrint
    derives from the font itself) gets, for each glyph, the text of its first document that maps the glyph."""
    maps = []
    merged: dict[str, dict[int, str]] = {}
    for fonts in documents:
        for font in fonts:
            if Name.ToUnicode not in font:
                continue
            text_map = _text_map(font.ToUnicode.read_bytes())
            maps.append((font, text_map))
            first = merged.setdefault(str(font.get(Name.BaseFont, "")), {})
            for gid, text in text_map.items():
                first.setdefault(gid, text)
    for font, text_map in maps:
        first = merged[str(font.get(Name.BaseFont, ""))]
        if all(first[gid] == text for gid, text in text_map.items()):
            continue

        def pair(m: re.Match, first: dict[int, str] = first) -> bytes:
            text = first[int(m.group(1), 16)].encode("utf-16-be").hex().encode()
            return b"<" + m.group(1) + b"> <" + text + b">"

        cmap = font.ToUnicode.read_bytes()
        font.ToUnicode.write(_BFCHAR.sub(lambda block: _PAIR.sub(pair, block.group(0)), cmap))
