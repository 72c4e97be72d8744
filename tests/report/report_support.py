"""Reading a rendered report as a reader does: text without tags, whitespace squashed; the tags themselves."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from html.parser import HTMLParser

NOW = datetime(2026, 11, 1, 2, 5, tzinfo=timezone.utc)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def text(markup: str) -> str:
    """What a reader sees: the stylesheet and the script dropped, tags dropped, entities decoded, whitespace
    squashed."""
    markup = re.sub(r"(?s)<(style|script)\b[^>]*>.*?</\1>", " ", markup)
    return squash(unescape(re.sub(r"<[^>]+>", " ", markup.replace("<wbr>", ""))))


def scripts(html: str) -> list[tuple[dict, str]]:
    """Every <script> element: its attributes and its text."""
    return [(dict(re.findall(r'(\w[\w-]*)="([^"]*)"', attrs)), body)
            for attrs, body in re.findall(r"(?is)<script\b([^>]*)>(.*?)</script\s*>", html)]


def section(html: str, start_id: str, end_id: str | None = None) -> str:
    """The markup from the element with ``id=start_id`` to the next one whose id starts with ``end_id`` (or the end)."""
    begin = html.index(f'id="{start_id}"')
    return html[begin: html.index(f'id="{end_id}', begin + 1)] if end_id else html[begin:]


# ---------- reading a PDF's structure (pyHanko's reader, which signing already needs) ----------


def _pdf(path):
    """The reader and the pages as (object number, page dictionary), in order."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(open(path, "rb"))  # noqa: SIM115 (the reader reads lazily from the stream)
    pages = []

    def walk(ref):
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node.raw_get("/Kids"):
                walk(kid)
        else:
            pages.append((ref.idnum, node))

    walk(reader.root.raw_get("/Pages"))
    return reader, pages


def pdf_links(path) -> list[tuple[int, str, str]]:
    """Every link annotation: (page index, "dest" or "uri", the destination name or the URI)."""
    links = []
    for i, (_ref, page) in enumerate(_pdf(path)[1]):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                links.append((i, "dest", str(annot["/Dest"])))
            elif "/A" in annot and "/URI" in annot["/A"]:
                links.append((i, "uri", str(annot["/A"]["/URI"])))
    return links


def pdf_destinations(path) -> dict[str, int]:
    """Named destination -> the index of the page it is on."""
    reader, pages = _pdf(path)
    page_index = {ref: i for i, (ref, _page) in enumerate(pages)}
    flat = []

    def walk(node):
        node = node.get_object()
        flat.extend(node.get("/Names", []))
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(reader.root["/Names"]["/Dests"])
    return {str(name): page_index[dest.raw_get(0).idnum] for name, dest in zip(flat[::2], flat[1::2])}


def pdf_outline(path) -> list[tuple[int, str, int]]:
    """The bookmarks in order: (level from 1, title, the index of the page they go to)."""
    reader, pages = _pdf(path)
    page_index = {ref: i for i, (ref, _page) in enumerate(pages)}
    entries = []

    def walk(node, level):
        while node is not None:
            item = node.get_object()
            entries.append((level, str(item["/Title"]), page_index[item["/Dest"].raw_get(0).idnum]))
            if "/First" in item:
                walk(item.raw_get("/First"), level + 1)
            node = item.raw_get("/Next") if "/Next" in item else None

    walk(reader.root["/Outlines"].raw_get("/First"), 1)
    return entries
