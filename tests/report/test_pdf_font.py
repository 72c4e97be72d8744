"""pdf_font.py: a TrueType font found on the machine, measured, and embedded as a subset a reader can search."""

from __future__ import annotations

import io

import pydyf
import pytest
from fontTools.ttLib import TTFont

from auditreport.errors import EnvironmentFailure
from auditreport.report.pdf_font import EmbeddedFont, find_font


@pytest.fixture()
def mono() -> EmbeddedFont:
    return EmbeddedFont(find_font("DejaVuSansMono.ttf", "DejaVu Sans Mono"), "F1")


def test_a_missing_font_is_one_line_naming_it():
    with pytest.raises(EnvironmentFailure) as e:
        find_font("NoSuchFont-Regular.ttf", "No Such Font")
    assert "NoSuchFont-Regular.ttf" in str(e.value) and "fonts-dejavu-core" in str(e.value)
    assert "\n" not in str(e.value) and e.value.exit_code == 5


def test_widths_are_the_font_s_and_a_literal_string_escapes_what_it_must(mono: EmbeddedFont):
    tt = TTFont(mono.path)
    advance = tt["hmtx"].metrics[tt.getBestCmap()[ord("a")]][0] / tt["head"].unitsPerEm
    assert mono.width("abc", 10) == pytest.approx(3 * 10 * advance)
    assert mono.all_regular("select *") and not mono.all_regular("select '中'")  # not in the font: not one column
    gid = tt.getReverseGlyphMap()[tt.getBestCmap()[ord("E")]]
    assert gid == 0x28  # "E" is glyph 40: the byte of "(", which a literal string must escape
    assert mono.encode("E") == "(\x00\\()"


def test_the_embedded_subset_holds_only_the_glyphs_shown_and_maps_them_back_to_text(mono: EmbeddedFont):
    shown = "select 'é' ⟨"
    mono.encode(shown)
    pdf = pydyf.PDF()
    mono.embed(pdf)
    out = io.BytesIO()
    pdf.write(out)
    objects = {obj.number: obj for obj in pdf.objects}

    def get(ref: bytes):
        return objects[int(ref.split()[0])]

    def stream(ref: bytes) -> bytes:
        return b"".join(get(ref).stream)  # pydyf compresses as it writes: the object holds the data itself

    cid_font = next(o for o in pdf.objects if isinstance(o, dict) and o.get("Subtype") == "/CIDFontType2")
    subset = TTFont(io.BytesIO(stream(get(cid_font["FontDescriptor"])["FontFile2"])))
    # those shown, .notdef, and the accent é is composed with (its e is shown too): 3,377 in the whole font
    assert subset["maxp"].numGlyphs == len(set(shown)) + 2
    cmap = subset.getBestCmap()
    cid_to_gid = stream(cid_font["CIDToGIDMap"])
    order = subset.getGlyphOrder()
    for gid, char in mono.used.items():  # the page's code (the whole font's id) -> the subset's glyph for that char
        assert order[int.from_bytes(cid_to_gid[2 * gid:2 * gid + 2], "big")] == cmap[ord(char)], char
    font = next(o for o in pdf.objects if isinstance(o, dict) and o.get("Subtype") == "/Type0")
    to_unicode = stream(font["ToUnicode"])
    assert f"<{'é'.encode('utf-16-be').hex()}>".encode() in to_unicode
