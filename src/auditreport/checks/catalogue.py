"""Load and validate the check catalogue, once: checks, frameworks and shared views.

``queries/<domain>/<check_id>.sql`` are the checks, ``queries/frameworks/<framework>.yaml`` the frameworks they map
to (with those of a configuration's ``frameworks_dir``), ``queries/_views/<view_id>.sql`` the derivations they share
(see :mod:`.views`). Each SQL file starts with a YAML block comment (``/*--- ... ---*/``) holding its metadata, so
the whole file stays valid DuckDB SQL. Validation is strict: a malformed file stops the run with a one-line
``CheckDefinitionError`` naming the file, rather than silently dropping a control from the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from .. import lake
from ..config import Policy
from ..errors import CheckDefinitionError
from .frameworks import Framework, default_queries_dir, load_frameworks
from .headers import fail, key_line, parsed_parameters, read_sql_file, sql_parameters
from .model import SEVERITIES, Check, View
from .user_checks import load_user_checks
from .views import VIEWS_DIR, create_views, lake_tables_of, load_views

__all__ = ["PERIOD_PARAMS", "Catalogue", "default_queries_dir", "load_catalogue", "parse_check", "sql_parameters"]

PERIOD_PARAMS = ("period_start", "period_end")
FRAMEWORKS_DIR = "frameworks"


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


def parse_check(
    path: Path, frameworks: dict[str, Framework], domain: str | None = None, views: dict[str, View] | None = None
) -> Check:
    """Read one check file and validate it against the contract in docs/architecture.md."""
    path = Path(path)
    views = views or {}
    h, sql, _body = read_sql_file(path, CheckHeader)
    at = lambda key: key_line(sql, key)  # noqa: E731 - the line of a header key, for the error message

    if h.id != path.stem:
        fail(path, f"id '{h.id}' differs from the file name '{path.stem}'", at("id"))
    for fw, reqs in h.frameworks.items():
        if fw not in frameworks:
            fail(path, f"unknown framework '{fw}' (known: {', '.join(sorted(frameworks))}; a framework of your own "
                       "goes in the configuration's frameworks_dir)", at("frameworks"))  # fmt: skip
        if not reqs:
            fail(path, f"framework '{fw}' lists no requirement", at("frameworks"))
        for r in reqs:
            if r not in frameworks[fw].requirements:
                fail(path, f"unknown requirement '{r}' of framework '{fw}' (add it to frameworks/{fw}.yaml or fix the "
                           "id)", at("frameworks"))  # fmt: skip
    for t in h.requires:
        if t not in lake.TABLES and t not in views:
            fail(path, f"requires unknown lake table or view '{t}'", at("requires"))
    if len(set(h.params)) != len(h.params):
        fail(path, "params lists a parameter twice", at("params"))
    for p in h.params:
        if p not in allowed_params():
            fail(path, f"unknown parameter '{p}' (not a policy setting, period_start or period_end)", at("params"))
    used = parsed_parameters(path, sql)
    if used != set(h.params):
        missing, unused = sorted(used - set(h.params)), sorted(set(h.params) - used)
        parts = ([f"used but not declared: {', '.join(missing)}"] if missing else []) + (
            [f"declared but not used: {', '.join(unused)}"] if unused else []
        )
        fail(path, f"params do not match the $parameters of the SQL ({'; '.join(parts)})", at("params"))

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
        lake_tables=lake_tables_of(list(h.requires), views),
    )


@dataclass(frozen=True)
class Catalogue:
    """Everything under ``queries/``, validated. Iterating it yields the checks."""

    checks: list[Check]  # sorted by domain, then id
    frameworks: dict[str, Framework]  # framework id -> framework: built-in ones, then the user's, in file-name order
    views: dict[str, View]  # view id -> view, in creation order (every view after those it reads)
    directory: Path

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def check(self, check_id: str) -> Check:
        """The check with this id; KeyError naming it when there is none."""
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(f"no check '{check_id}' in {self.directory}")

    def create_views(self, con, materialize: bool = False) -> None:
        """Create the shared views on ``con``, which must already hold the lake tables (or lake views)."""
        create_views(con, self.views, materialize)


def load_catalogue(queries_dir: Path | None = None, user_frameworks_dir: Path | None = None,
                   user_checks_dir: Path | None = None) -> Catalogue:  # fmt: skip
    """The catalogue under ``queries_dir`` (default: the repository's ``queries/``), with the framework files of
    ``user_frameworks_dir`` (a configuration's ``frameworks_dir``) beside its own, and the checks of
    ``user_checks_dir`` (``checks_dir``: see :mod:`.user_checks`; one that cannot be loaded runs as ``error``)."""
    queries_dir = Path(queries_dir) if queries_dir else default_queries_dir()
    if not queries_dir.is_dir():
        raise CheckDefinitionError(f"{queries_dir}: check catalogue directory not found")
    frameworks = load_frameworks(queries_dir / FRAMEWORKS_DIR, user_frameworks_dir)
    views = load_views(queries_dir)
    checks: list[Check] = []
    seen: dict[str, Path] = {}
    for path in sorted(queries_dir.rglob("*.sql")):
        rel = path.relative_to(queries_dir)
        if len(rel.parts) == 2 and rel.parts[0] == VIEWS_DIR:
            continue
        if len(rel.parts) != 2 or rel.parts[0] == FRAMEWORKS_DIR or rel.parts[0].startswith("_"):
            fail(path, f"check files belong in {queries_dir}/<domain>/<check_id>.sql, views in {queries_dir}/{VIEWS_DIR}/")
        check = parse_check(path, frameworks, domain=rel.parts[0], views=views)
        if check.id in seen:
            fail(path, f"check id '{check.id}' is already defined by {seen[check.id]}")
        seen[check.id] = path
        checks.append(check)
    if user_checks_dir is not None:
        checks += load_user_checks(Path(user_checks_dir), frameworks, views, seen, parse_check)
    return Catalogue(
        checks=sorted(checks, key=lambda c: (c.domain, c.id)), frameworks=frameworks, views=views, directory=queries_dir
    )
