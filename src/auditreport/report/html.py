"""Render the report HTML: one Jinja2 template set, CSS inlined, no scripts, no external assets.

Autoescape is always on: every evidence value, reason and source detail can be attacker-controlled log text.
Every ``{{ ... }}`` output also passes ``finalize``, which shows invisible and bidi-control characters as ``⟨U+XXXX⟩``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

import auditreport

from ..checks.frameworks import Framework
from ..results import RunResult
from .values import reveal_invisible
from .view import build_context


def templates_dir() -> Path:
    """The repository's ``templates/`` (source checkout or editable install); a ``templates/`` inside the package
    is used instead when present, for installs that ship it as package data."""
    package = Path(auditreport.__file__).resolve().parent
    for candidate in (package.parents[1] / "templates", package / "templates"):
        if (candidate / "report.html.j2").is_file():
            return candidate
    raise FileNotFoundError(f"report templates not found: looked in {package.parents[1] / 'templates'} and {package / 'templates'}")


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return reveal_invisible(value)
    return value


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))


def _size(value: int | None) -> str:
    if value is None:
        return ""
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


def _colname(name: Any) -> Markup:
    """A column name that may wrap after its underscores rather than mid-word."""
    parts = reveal_invisible(str(name)).split("_")
    return Markup("_<wbr>").join(escape(p) for p in parts)


def _status_label(status: str) -> str:
    return {"no_data": "NO DATA", "not_assessed": "NOT ASSESSED"}.get(status, status.upper())


def environment(template_dir: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir or templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["num"] = _num
    env.filters["size"] = _size
    env.filters["status_label"] = _status_label
    env.filters["colname"] = _colname
    return env


def render_html(
    result: RunResult,
    frameworks: dict[str, Framework],
    generated_at: datetime,
    evidence_row_cap: int = 25,
    quarantine_row_cap: int = 50,
    input_row_cap: int = 500,
    template_dir: Path | None = None,
    trend=None,
) -> str:
    tdir = template_dir or templates_dir()
    env = environment(tdir)
    context = build_context(result, frameworks, generated_at, evidence_row_cap, quarantine_row_cap, input_row_cap)
    context["trend"] = trend
    context["privacy"] = result.privacy  # [privacy]: mode, fields, patterns, key id; None when names are as recorded
    context["trend_by_check"] = trend.by_check() if trend is not None else {}
    # Our own stylesheet, inlined verbatim (not parsed as a template).
    context["css"] = Markup((tdir / "report.css").read_text(encoding="utf-8"))
    return env.get_template("report.html.j2").render(**context)
