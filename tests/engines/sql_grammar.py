"""The tests' syntax check of SQL written for Athena, with real grammars that share nothing with sqlglot (the generator
under test): dt-sql-parser's ANTLR grammars of Trino (Athena's queries and views) and Hive (Athena's DDL), run with
Node.js by ``scripts/sql-grammar/check.mjs``. ``make install-test`` installs them (``npm ci``, pinned by the
package-lock); a machine without them fails the tests that need them, saying how to install them, never skips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

GRAMMAR_DIR = Path(__file__).resolve().parents[2] / "scripts" / "sql-grammar"


@dataclass(frozen=True)
class SyntaxProblem:
    name: str
    grammar: str
    message: str  # the grammar's first error: line, column, message and the text near it

    def line(self) -> str:
        return f"{self.name} ({self.grammar}): {self.message}"


def grammar_missing() -> str | None:
    """Why the grammars cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed (scripts/ensure-system-deps.sh --test installs it)"
    if not (GRAMMAR_DIR / "node_modules" / "dt-sql-parser").is_dir():
        return f"the SQL grammars are not installed: npm ci --prefix {GRAMMAR_DIR} (make install-test does it)"
    return None


def syntax_problems(statements: list[tuple[str, str, str]], timeout: float = 600) -> dict[str, SyntaxProblem]:
    """(name, grammar, sql) -> {name: its first syntax error} for each statement the grammar ("trino" or "hive") does
    not parse; statements that parse are absent. One Node process for all of them."""
    missing = grammar_missing()
    if missing:
        raise AssertionError(missing)
    payload = json.dumps([{"name": n, "grammar": g, "sql": s} for n, g, s in statements])
    done = subprocess.run(["node", "--import", "./register.mjs", "check.mjs"], input=payload, capture_output=True,
                          text=True, cwd=GRAMMAR_DIR, timeout=timeout)  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"the SQL grammar check failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    grammars = {n: g for n, g, _ in statements}
    out = {}
    for result in json.loads(done.stdout):
        if result["errors"]:
            e = result["errors"][0]
            out[result["name"]] = SyntaxProblem(result["name"], grammars[result["name"]],
                                                f"line {e['line']} column {e['column']}: {e['message']} "
                                                f"(near: {e['near']!r})")  # fmt: skip
    return out
