"""values.py: how one value is written in JSON, CSV and the report."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from auditreport.report.values import (
    csv_text,
    display_text,
    human_utc,
    iso_duration,
    iso_z,
    json_safe,
    plain_text,
)


def test_json_safe_times_are_utc_with_z():
    assert json_safe(datetime(2026, 10, 3, 9, 14)) == "2026-10-03T09:14:00Z"
    cest = timezone(timedelta(hours=2))
    assert json_safe(datetime(2026, 10, 3, 11, 14, tzinfo=cest)) == "2026-10-03T09:14:00Z"
    assert json_safe(datetime(2026, 10, 3, 9, 14, 0, 120000)) == "2026-10-03T09:14:00.120000Z"
    assert json_safe(date(2026, 10, 3)) == "2026-10-03"


def test_json_safe_numbers_and_nesting():
    assert json_safe(Decimal("1.5")) == 1.5
    assert json_safe(Decimal("42")) == 42
    assert json_safe(Decimal("0.1")) == 0.1
    assert json_safe(Decimal("3.14159265358979323846264338")) == "3.14159265358979323846264338"
    assert json_safe(float("nan")) is None and json_safe(math.inf) is None
    assert json_safe({"a": [datetime(2026, 1, 1), b"\xff"], 1: (1, 2)}) == {"a": ["2026-01-01T00:00:00Z", "hex:ff"],
                                                                             "1": [1, 2]}
    json.dumps(json_safe({"x": {1, 2}}), allow_nan=False)


def test_iso_duration():
    assert iso_duration(timedelta(minutes=15)) == "PT15M"
    assert iso_duration(timedelta(days=1, hours=2, seconds=3)) == "P1DT2H3S"
    assert iso_duration(timedelta(0)) == "PT0S"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_text_neutralises_formulas(value):
    assert csv_text(value) == "'" + value


def test_csv_text_plain_values():
    assert csv_text(None) == "" and csv_text(-5) == "-5" and csv_text(True) == "true"
    assert csv_text(["a", 1]) == '["a",1]'
    assert csv_text(datetime(2026, 10, 1)) == "2026-10-01T00:00:00Z"


def test_display_text_reveals_controls_and_truncates():
    assert display_text("a\u202eb\x00c\u200bd") == "a\u27e8U+202E\u27e9b\u27e8U+0000\u27e9c\u27e8U+200B\u27e9d"
    assert display_text("line1\nline2\tx") == "line1\nline2\tx"
    assert display_text(None) is None
    assert display_text("x" * 20, limit=5) == "xxxxx… [15 more characters]"


def test_iso_z_and_human_utc():
    assert iso_z(datetime(2026, 10, 3, 9, 14)) == "2026-10-03T09:14:00Z"
    assert human_utc(datetime(2026, 10, 3, 9, 14, 5)) == "2026-10-03 09:14:05 UTC"
    assert human_utc(None) == ""


def test_plain_text_of_lists_and_null():
    assert plain_text(None) is None
    assert plain_text("x") == "x"
    assert "evil" in plain_text(["evil\u202etxt.exe"])
