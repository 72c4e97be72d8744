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


def whole_render(html: str) -> bytes:
    """WeasyPrint over the whole HTML in this process, as report.pdf was rendered before it was rendered in parts:
    what the parts joined must read as."""
    from weasyprint import HTML

    from auditreport.pdf_worker import no_fetch

    return HTML(string=html, url_fetcher=no_fetch).render().write_pdf()


def page_lines(text: str) -> list[list[str]]:
    """pdftotext's output page by page, as each page's lines in sorted order with runs of white space as one space:
    what two renders show alike when the margin lines are in faces of other widths (then pdftotext -layout spaces
    columns otherwise, and a running head a point higher may be read before another line rather than after)."""
    return [sorted(" ".join(line.split()) for line in page.splitlines() if line.strip()) for page in text.split("\f")]


def pdf_reading(pdf: bytes, tmp_path) -> dict:
    """All that a reader of ``pdf`` gets, to compare two renders: the pages' text (pdftotext raw and -layout), the
    named destinations and link annotations (with their places), the outline (level, title, page, place, closed),
    the document information and language."""
    import subprocess

    import pikepdf

    path = tmp_path / f"reading-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    reading = {f"text{flag}": subprocess.run(["pdftotext", *([flag] if flag else []), str(path), "-"], check=True,
                                             capture_output=True, text=True).stdout for flag in ("", "-layout")}
    doc = pikepdf.open(path)
    index = {page.objgen: i for i, page in enumerate(doc.pages)}

    def place(dest) -> tuple:
        return index[dest[0].objgen], str(dest[1]), *(round(float(v), 2) for v in dest[2:])

    names = doc.Root.Names.Dests.Names if "/Names" in doc.Root else []
    reading["dests"] = {str(names[i]): place(names[i + 1]) for i in range(0, len(names), 2)}
    reading["links"] = [(i, str(a.Dest) if "/Dest" in a else str(a.A.URI), tuple(round(float(v), 2) for v in a.Rect))
                        for i, page in enumerate(doc.pages) for a in page.obj.get("/Annots", [])]

    def walk(items, level=0):
        for item in items:
            yield level, item.title, place(item.destination), item.is_closed
            yield from walk(item.children, level + 1)

    with doc.open_outline() as outline:
        reading["outline"] = list(walk(outline.root))
    reading["info"] = {str(k): str(v) for k, v in doc.docinfo.items()}
    reading["lang"] = str(doc.Root.get("/Lang"))
    reading["pages"] = len(doc.pages)
    return reading


def _report_page_rules() -> str:
    """report.css's @page rules (A4, the running heads and footer), which report.pdf's margin boxes are drawn after,
    its contents' page number boxes (.toc-pg), which report.pdf's parts lay out empty, in its face and line height."""
    import re

    from auditreport.resources import templates_dir

    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    sans = re.search(r"--sans:\s*([^;]+);", css).group(1)
    return (re.search(r"^@page \{.*?^\}\n@page :first \{.*?^\}\n", css, re.S | re.M).group(0)
            + "\n".join(re.findall(r"^  (\.toc-pg\b[^}]*\})", css, re.M))
            + f"\n.toc-page {{ font-family: {sans}; line-height: 1.42; }}\n")


PAGED_CSS = _report_page_rules() + """
.cover-org { string-set: org content(); } .cover-period { string-set: period content(); }
.run-id { string-set: runid content(); } .running-head { string-set: completeness content(); }
.toc-page, section.major { break-before: page; }
.cut { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 30mm; }
h4 { bookmark-state: closed; }
"""


def paged_report_html(findings: int = 12, extra_section: str = "") -> str:
    """A report shaped as report.html.j2 is for the PDF: a cover that sets the running heads, a contents page whose
    page numbers are target-counter()s in report.css's boxes, sections that each start a page in header/nav/main,
    headings of skipped levels, links across sections, a link to no anchor, a clipped line ending in an ellipsis after
    a literal one."""
    para = "<p>" + "Evidence of the check, one row per subject, with its reason. " * 12 + "</p>"
    articles = "".join(f'<article id="f{i}"><h3>Finding {i}</h3>{para * (1 + i % 3)}'
                       f'<p>See <a href="#sql-{i}">its SQL</a>.</p>' + ("<h5>Deep</h5>" if i % 4 == 0 else "")
                       + "</article>" for i in range(findings))  # fmt: skip
    sql = "".join(f'<h3 id="sql-{i}">SQL {i}</h3><pre>select {i} from t</pre>' for i in range(findings))
    toc = "".join(f'<li class="toc-l{level}"><a href="#{a}"><span class="toc-pg" data-href="#{a}"></span>{label}</a>'
                  "</li>" for a, label, level in
                  [("summary", "Summary", 1), ("findings", "Findings", 1), ("appendix", "Appendix", 1),
                   ("f3", "Finding 3", 2)])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Paged report</title>
<meta name="author" content="Example Org"><meta name="description" content="A test report">
<style>{PAGED_CSS}</style></head><body class="is-complete">
<header><section class="cover" id="cover"><div class="cover-org">Example &amp; Org</div><h1>Compliance report</h1>
<div class="cover-period">October 2026</div><span class="running-head">3 of 12 checks
  failed</span><p>Run <code class="run-id">r-1</code>; literal … here.</p></section></header>
<nav><section class="toc-page" id="contents"><h2>Contents</h2><ol class="toc">{toc}</ol></section></nav>
<main id="main">
<section class="major" id="summary"><h2>Summary</h2><p>Go to <a href="#f5">finding 5</a>, or
<a href="#nowhere">nowhere</a>, or <a href="evidence/x.csv">the evidence</a>.</p>
<p class="cut">A requirement whose text is far too long for its narrow cell</p></section>
<section class="major" id="findings"><h2>Findings</h2>{articles}</section>
{extra_section}
<section class="major" id="appendix"><h2>Appendix</h2><h4>Closed heading</h4><h5>Under it</h5>{sql}</section>
</main><script>ignored()</script></body></html>"""


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
