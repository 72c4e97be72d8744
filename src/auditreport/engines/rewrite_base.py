"""What every rewrite of :mod:`.rewrites` shares: the error a rewrite raises when the target dialect cannot be given
the construct with the same meaning, and the text of a literal format or pattern."""

from __future__ import annotations

from sqlglot import exp


class RewriteError(ValueError):
    """A construct the target dialect cannot be given with the same meaning."""


def literal_text(e: exp.Expression) -> str | None:
    """The text of a string literal, or of adjacent literals (``'a' 'b'``, which DuckDB joins); None otherwise."""
    if isinstance(e, exp.Literal) and e.is_string:
        return e.this
    if isinstance(e, (exp.Concat, exp.DPipe)):
        pieces = [literal_text(p) for p in (e.expressions if isinstance(e, exp.Concat) else [e.this, e.expression])]
        return None if any(p is None for p in pieces) else "".join(pieces)
    return None
