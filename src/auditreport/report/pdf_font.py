"""TrueType fonts embedded in a PDF we write ourselves (:mod:`.sql_pdf`): found on the machine, measured, and embedded
as a subset (the glyphs the document shows, by fontTools) with a ToUnicode map, so the text can be searched and copied.

Each font is a Type 0 font over a CIDFontType2 with Identity-H encoding: a string shows the whole font's glyph ids (two
bytes each), and the CIDToGIDMap maps them to the subset's, so the pages are laid out before the subset is made. The
subset's ``head`` keeps the font file's own timestamp: the same text gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pydyf
from fontTools import subset
from fontTools.ttLib import TTFont

from ..errors import EnvironmentFailure

# Where Debian/Ubuntu (fonts-dejavu-core), Fedora and Alpine put the DejaVu fonts; fc-match is asked otherwise.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu-sans-mono-fonts",
             "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")


def find_font(file_name: str, family: str) -> Path:
    """The path of ``file_name`` (e.g. ``DejaVuSansMono.ttf``); EnvironmentFailure when the machine lacks it."""
    for d in FONT_DIRS:
        if (p := Path(d) / file_name).is_file():
            return p
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "--format=%{file}", family], capture_output=True, text=True,
                               check=False).stdout.strip()
        if found and Path(found).name == file_name:
            return Path(found)
    raise EnvironmentFailure(file_name, f"the font {family} is not installed (Debian: apt-get install fonts-dejavu-core)")


# In a literal string, a backslash, a parenthesis and an end of line (which a reader would normalise) are escaped.
_ESCAPE = {"\\": "\\\\", "(": "\\(", ")": "\\)", "\r": "\\r", "\n": "\\n"}


class EmbeddedFont:
    """One TrueType font as the PDF uses it: ``has``, ``width`` and ``encode`` while the pages are laid out (every
    glyph encoded is remembered), then ``embed`` once at the end."""

    def __init__(self, path: Path, resource_name: str):
        self.path = path
        self.name = resource_name  # the page resources' name, /F1...
        self._tt = TTFont(path, recalcTimestamp=False, lazy=True)
        self._units = self._tt["head"].unitsPerEm
        self._cmap = self._tt.getBestCmap()
        self._gid_of = self._tt.getReverseGlyphMap()
        self._metrics = self._tt["hmtx"].metrics
        self._code: dict[str, str] = {}  # character -> its glyph id's two bytes, escaped for a literal string
        self._advance: dict[str, float] = {}  # character -> advance in units of 1/1000 em
        self.used: dict[int, str] = {}  # glyph id -> the character it shows (for ToUnicode)
        self._regular: set[str] = set()  # characters known to be in the font and as wide as a space

    def ascent_descent(self) -> tuple[float, float]:
        """The ascent and descent (positive) in ems, the ``hhea`` table's, as Pango takes them for a line's box."""
        hhea = self._tt["hhea"]
        return hhea.ascent / self._units, -hhea.descent / self._units

    def has(self, char: str) -> bool:
        return ord(char) in self._cmap

    def _learn(self, char: str) -> None:
        glyph = self._cmap[ord(char)]
        gid = self._gid_of[glyph]
        code = gid.to_bytes(2, "big").decode("latin-1")
        self._code[char] = "".join(_ESCAPE.get(b, b) for b in code)
        self._advance[char] = self._metrics[glyph][0] * 1000 / self._units
        self.used.setdefault(gid, char)

    def advance(self, char: str) -> float:
        """The advance of ``char`` in thousandths of an em (the font must have it)."""
        if char not in self._advance:
            self._learn(char)
        return self._advance[char]

    def all_regular(self, text: str) -> bool:
        """Whether every character of ``text`` is in the font with the advance of a space (every character of a
        monospace font but the combining and the wide ones)."""
        chars = set(text)
        if chars <= self._regular:
            return True
        for c in chars - self._advance.keys():
            if self.has(c):
                self._learn(c)
        self._regular.update(c for c in chars if self._advance.get(c) == self._advance.get(" "))
        return chars <= self._regular

    def _learn_all(self, text: str, known: dict) -> None:
        for c in set(text) - known.keys():
            self._learn(c)

    def width(self, text: str, size: float) -> float:
        """How wide ``text`` is at ``size`` points (every character in the font)."""
        try:  # nearly always every character is known: the text is not gone over twice
            return sum(map(self._advance.__getitem__, text)) * size / 1000
        except KeyError:
            self._learn_all(text, self._advance)
            return sum(map(self._advance.__getitem__, text)) * size / 1000

    def encode(self, text: str) -> str:
        """``text`` as a PDF literal string of glyph ids (every character in the font), one byte per character of
        the result: the caller encodes the content stream as Latin-1."""
        try:
            return "(" + "".join(map(self._code.__getitem__, text)) + ")"
        except KeyError:
            self._learn_all(text, self._code)
            return "(" + "".join(map(self._code.__getitem__, text)) + ")"

    def _subset(self) -> tuple[bytes, bytes]:
        """The font program holding only the glyphs used, and the CIDToGIDMap from the glyph ids the pages show (the
        whole font's) to the subset's. The layout and hinting tables go first: one glyph per character, positioned by
        its advance, needs no shaping, a viewer hints on its own, and reading GSUB/GPOS was most of the cost."""
        font = self._tt
        names = font.getGlyphOrder()
        for tag in ("GSUB", "GPOS", "GDEF", "kern", "FFTM", "hdmx", "VDMX", "LTSH", "fpgm", "prep", "cvt ", "gasp"):
            if tag in font:
                del font[tag]
        options = subset.Options()
        options.notdef_outline = True
        options.hinting = False
        options.layout_features = []
        options.glyph_names = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(self.used))
        subsetter.subset(font)
        new_gid = {name: i for i, name in enumerate(font.getGlyphOrder())}
        cid_to_gid = bytearray(2 * (max(self.used) + 1))
        for gid in self.used:
            cid_to_gid[2 * gid:2 * gid + 2] = new_gid[names[gid]].to_bytes(2, "big")
        out = io.BytesIO()
        font.save(out)
        return out.getvalue(), bytes(cid_to_gid)

    def _to_unicode(self) -> bytes:
        lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
                 b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                 b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
                 b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
        used = sorted(self.used.items())
        for i in range(0, len(used), 100):
            chunk = used[i:i + 100]
            lines.append(f"{len(chunk)} beginbfchar".encode())
            lines += [f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>".encode() for gid, char in chunk]
            lines.append(b"endbfchar")
        lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
        return b"\n".join(lines)

    def embed(self, pdf: pydyf.PDF) -> bytes:
        """Add the font's objects to ``pdf``; return the reference of its Type 0 font dictionary."""
        tt = self._tt
        scale = 1000 / self._units
        # The subset's tag (six capitals) is drawn from the glyphs it holds: the same text gives the same name.
        digest = hashlib.sha256(",".join(map(str, sorted(self.used))).encode()).digest()
        tag = "".join(chr(65 + b % 26) for b in digest[:6])
        base = pydyf.name(f"{tag}+{tt['name'].getDebugName(6)}")
        program, cid_to_gid = self._subset()
        font_file = pydyf.Stream([program], compress=True)
        font_file.extra["Length1"] = len(font_file.stream[0])
        pdf.add_object(font_file)
        head, hhea, os2, post = tt["head"], tt["hhea"], tt["OS/2"], tt["post"]
        flags = (1 if post.isFixedPitch else 0) | 32  # FixedPitch, Nonsymbolic
        descriptor = pydyf.Dictionary({
            "Type": "/FontDescriptor", "FontName": base, "Flags": flags,
            "FontBBox": pydyf.Array([round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]),
            "ItalicAngle": post.italicAngle, "Ascent": round(hhea.ascent * scale),
            "Descent": round(hhea.descent * scale), "CapHeight": round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
            "StemV": 80, "FontFile2": font_file.reference,
        })
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for gid in sorted(self.used):
            widths += [gid, pydyf.Array([round(self.advance(self.used[gid]))])]
        cid_font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": base,
            "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
                                               "Supplement": 0}),
            "FontDescriptor": descriptor.reference, "W": widths,
        })
        cid_map = pydyf.Stream([cid_to_gid], compress=True)
        pdf.add_object(cid_map)
        cid_font["CIDToGIDMap"] = cid_map.reference
        pdf.add_object(cid_font)
        to_unicode = pydyf.Stream([self._to_unicode()], compress=True)
        pdf.add_object(to_unicode)
        font = pydyf.Dictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": base, "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid_font.reference]), "ToUnicode": to_unicode.reference,
        })
        pdf.add_object(font)
        return font.reference


def report_fonts() -> dict[str, EmbeddedFont]:
    """The fonts of what the project writes as PDF itself (report-sql.pdf, report.pdf's margin boxes), by role:
    DejaVu Sans Mono and DejaVu Sans, regular and bold."""
    files = {"mono": ("DejaVuSansMono.ttf", "DejaVu Sans Mono"), "mono-bold": ("DejaVuSansMono-Bold.ttf",
             "DejaVu Sans Mono:bold"), "sans": ("DejaVuSans.ttf", "DejaVu Sans"),
             "sans-bold": ("DejaVuSans-Bold.ttf", "DejaVu Sans:bold")}
    return {role: EmbeddedFont(find_font(name, family), f"F{i}") for i, (role, (name, family)) in
            enumerate(files.items(), 1)}
