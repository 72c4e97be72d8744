"""Framework structure: which requirements a framework has, and their text.

One file per framework, ``queries/frameworks/<id>.yaml``::

    id: soc2
    name: "SOC 2 — Trust Services Criteria (2017, rev. 2022)"
    requirements:
      CC6.1: "The entity implements logical access security ..."

Mappings from checks to requirements live only in the check headers; the report inverts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

import auditreport

from ..errors import CheckDefinitionError
from .headers import safe_load


def default_queries_dir() -> Path:
    """The catalogue shipped with the repository: ``<repo>/queries``."""
    return Path(auditreport.__file__).resolve().parents[2] / "queries"


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    requirements: dict[str, str]  # requirement id -> requirement text, in file order


class _FrameworkFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: StrictStr = Field(min_length=1)
    requirements: dict[StrictStr, StrictStr] = Field(min_length=1)


def _one_line(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{loc}: {msg}{more}"


def load_framework(path: Path) -> Framework:
    path = Path(path)
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CheckDefinitionError(f"{path}: cannot read framework file: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise CheckDefinitionError(f"{path}: not valid YAML: {str(e).splitlines()[0]}") from None
    try:
        model = _FrameworkFile.model_validate(data)
    except ValidationError as e:
        raise CheckDefinitionError(f"{path}: {_one_line(e)}") from None
    if model.id != path.stem:
        raise CheckDefinitionError(f"{path}: id '{model.id}' differs from the file name '{path.stem}'")
    for rid, text in model.requirements.items():
        if not rid.strip() or not text.strip():
            raise CheckDefinitionError(f"{path}: requirements.{rid}: requirement id and text must not be empty")
    return Framework(id=model.id, name=model.name, requirements=dict(model.requirements))


def load_frameworks(frameworks_dir: Path | None = None) -> dict[str, Framework]:
    """Every ``*.yaml`` in ``frameworks_dir`` (default: the repository's ``queries/frameworks``), keyed by framework
    id (= file stem)."""
    frameworks_dir = Path(frameworks_dir) if frameworks_dir else default_queries_dir() / "frameworks"
    if not frameworks_dir.is_dir():
        raise CheckDefinitionError(f"{frameworks_dir}: framework directory not found")
    return {p.stem: load_framework(p) for p in sorted(frameworks_dir.glob("*.yaml"))}
