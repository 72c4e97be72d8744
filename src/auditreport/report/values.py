"""Turning evidence values into JSON, CSV and display text.

Evidence values come from DuckDB (datetimes, Decimals, lists, JSON text) and from logs an attacker can write to.
Three renderings, one rule each:

- ``json_safe``: exact, machine-readable. Datetimes as ISO 8601 in UTC with ``Z``; naive datetimes are UTC (the lake
  stores UTC without a zone). Decimals as numbers when a float holds them exactly, else as strings.
- ``csv_text``: the same values as text. A string a spreadsheet would run as a formula (leading ``= + - @``, tab,
  carriage return) gets a leading apostrophe; ``findings.json`` keeps the exact value.
- ``display_text``: for the HTML/PDF only. Control, bidirectional-override and zero-width characters are shown as
  ``⟨U+202E⟩`` so log text cannot hide or reorder what the auditor sees; long values are cut with a marker.
  HTML escaping is left to Jinja's autoescape.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID


def iso_z(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; naive values are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text + "Z"


def human_utc(value: datetime | None) -> str:
    """``2026-10-03 09:14:00 UTC`` for headings and metadata; empty for None."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S") + " UTC"


def iso_duration(value: timedelta) -> str:
    total = value.total_seconds()
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, seconds = divmod(rem, 60)
    out = sign + "P" + (f"{int(days)}D" if days else "")
    clock = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
    if seconds or not (days or hours or minutes):
        clock += (f"{seconds:g}" if seconds != int(seconds) else f"{int(seconds)}") + "S"
    return out + ("T" + clock if clock else "")


def _decimal(value: Decimal) -> float | int | str:
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def json_safe(value: Any) -> Any:
    """A value ``json.dumps`` writes as strict JSON, with no information lost where JSON can hold it."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "hex:" + raw.hex()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        try:
            return json_safe(value.item())
        except (TypeError, ValueError):
            pass
    if value != value:  # NaT and other NaN-likes
        return None
    return str(value)


def plain_text(value: Any, spaced: bool = False) -> str | None:
    """The text form shared by CSV and display: None stays None; nested values become compact JSON (``spaced``: with a
    space after each comma and colon)."""
    if value is None:
        return None
    safe = json_safe(value)
    if safe is None:
        return None
    if isinstance(safe, bool):
        return "true" if safe else "false"
    if isinstance(safe, (dict, list)):
        return json.dumps(safe, ensure_ascii=False, separators=(", ", ": ") if spaced else (",", ":"), sort_keys=False)
    return str(safe)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """One CSV cell: empty for null, apostrophe before text a spreadsheet would evaluate."""
    text = plain_text(value)
    if text is None:
        return ""
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def reveal_invisible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", text)


CELL_LIMIT = 300  # characters of one evidence value shown in the report; the CSV has all of it
TEXT_LIMIT = 2000  # reasons, messages, details


def status_label(status: str) -> str:
    """A status as the report prints it: FAIL, NO DATA, NOT ASSESSED..."""
    return {"no_data": "NO DATA", "not_assessed": "NOT ASSESSED"}.get(status, status.upper())


def display_text(value: Any, limit: int | None = None, spaced: bool = False) -> str | None:
    """Text for a table cell or paragraph; None for null (the template shows a dash). ``spaced``: nested values with a
    space after each comma and colon, so that a long list wraps between its items."""
    text = plain_text(value, spaced)
    if text is None:
        return None
    text = reveal_invisible(text)
    if limit is not None and len(text) > limit:
        hidden = len(text) - limit
        text = f"{text[:limit]}… [{hidden:,} more characters]"
    return text
