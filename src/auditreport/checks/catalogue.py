"""Load and validate the check catalogue: ``queries/<domain>/<check_id>.sql``.

Each file starts with a YAML block comment (``/*--- ... ---*/``) holding the check's metadata, so the whole file
stays valid DuckDB SQL. Validation is strict: a malformed check stops the run with a one-line
``CheckDefinitionError`` naming the file, rather than silently dropping a control from the report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, NoReturn

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from .. import lake
from ..config import Policy
from ..errors import CheckDefinitionError
from .frameworks import Framework, default_queries_dir, load_frameworks
from .model import SEVERITIES, Check

PERIOD_PARAMS = ("period_start", "period_end")
_HEADER = re.compile(r"\A\s*/\*---[ \t]*\n(?P<yaml>.*?)\n---\*/", re.DOTALL)


def allowed_params() -> set[str]:
    return set(Policy.model_fields) | set(PERIOD_PARAMS)


class CheckHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: StrictStr = Field(min_length=1, pattern=r"^[^\n]+$")
    severity: Literal[tuple(SEVERITIES)]  # type: ignore[valid-type]
    kind: Literal["posture", "detection"]
    frameworks: dict[StrictStr, list[StrictStr]] = Field(min_length=1)
    requires: list[StrictStr] = Field(min_length=1)
    params: list[StrictStr] = []
    description: StrictStr = Field(min_length=1)
    remediation: StrictStr = Field(min_length=1)


def _pydantic_line(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = "unknown header key" if first["type"] == "extra_forbidden" else first["msg"]
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{loc}: {msg}{more}"


def sql_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a statement uses, as DuckDB's own parser sees them (comments and strings excluded)."""
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"expected exactly one SQL statement, found {len(statements)}")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise ValueError(f"the statement must be a SELECT, not {statements[0].type.name}")
    return set(statements[0].named_parameters)


def parse_check(path: Path, frameworks: dict[str, Framework], domain: str | None = None) -> Check:
    """Read one check file and validate it against the contract in docs/architecture.md."""
    path = Path(path)

    def fail(msg: str) -> NoReturn:
        raise CheckDefinitionError(f"{path}: {msg}")

    try:
        sql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        fail(f"cannot read check file: {e}")
    m = _HEADER.match(sql)
    if not m:
        fail("no metadata header: the file must start with a '/*---' ... '---*/' YAML block comment")
    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError as e:
        fail(f"header is not valid YAML: {str(e).splitlines()[0]}")
    if not isinstance(data, dict):
        fail("header must be a YAML mapping")
    try:
        h = CheckHeader.model_validate(data)
    except ValidationError as e:
        fail(f"header: {_pydantic_line(e)}")

    if h.id != path.stem:
        fail(f"id '{h.id}' differs from the file name '{path.stem}'")
    for fw, reqs in h.frameworks.items():
        if fw not in frameworks:
            fail(f"unknown framework '{fw}' (known: {', '.join(sorted(frameworks))})")
        if not reqs:
            fail(f"framework '{fw}' lists no requirement")
        for r in reqs:
            if r not in frameworks[fw].requirements:
                fail(f"unknown requirement '{r}' of framework '{fw}' (add it to frameworks/{fw}.yaml or fix the id)")
    for t in h.requires:
        if t not in lake.TABLES:
            fail(f"requires unknown lake table '{t}'")
    if len(set(h.params)) != len(h.params):
        fail("params lists a parameter twice")
    for p in h.params:
        if p not in allowed_params():
            fail(f"unknown parameter '{p}' (not a policy setting, period_start or period_end)")
    try:
        used = sql_parameters(sql)
    except (duckdb.Error, ValueError) as e:
        fail(f"SQL does not parse: {str(e).strip().splitlines()[0]}")
    if used != set(h.params):
        missing, unused = sorted(used - set(h.params)), sorted(set(h.params) - used)
        parts = ([f"used but not declared: {', '.join(missing)}"] if missing else []) + (
            [f"declared but not used: {', '.join(unused)}"] if unused else []
        )
        fail(f"params do not match the $parameters of the SQL ({'; '.join(parts)})")

    return Check(
        id=h.id,
        title=h.title,
        severity=h.severity,
        kind=h.kind,
        frameworks={k: list(v) for k, v in h.frameworks.items()},
        requires=list(h.requires),
        params=list(h.params),
        description=" ".join(h.description.split()),
        remediation=" ".join(h.remediation.split()),
        sql=sql,
        path=path,
        domain=domain or path.parent.name,
    )


def load_catalogue(queries_dir: Path | None = None) -> list[Check]:
    """Every check under ``queries_dir`` (default: the repository's ``queries/``), sorted by domain and id."""
    queries_dir = Path(queries_dir) if queries_dir else default_queries_dir()
    if not queries_dir.is_dir():
        raise CheckDefinitionError(f"{queries_dir}: check catalogue directory not found")
    frameworks = load_frameworks(queries_dir / "frameworks")
    checks: list[Check] = []
    seen: dict[str, Path] = {}
    for path in sorted(queries_dir.rglob("*.sql")):
        rel = path.relative_to(queries_dir)
        if len(rel.parts) != 2 or rel.parts[0] == "frameworks":
            raise CheckDefinitionError(f"{path}: check files belong in {queries_dir}/<domain>/<check_id>.sql")
        check = parse_check(path, frameworks, domain=rel.parts[0])
        if check.id in seen:
            raise CheckDefinitionError(f"{path}: check id '{check.id}' is already defined by {seen[check.id]}")
        seen[check.id] = path
        checks.append(check)
    return sorted(checks, key=lambda c: (c.domain, c.id))
