"""Framework structure: which requirements a framework has, and their text.

One file per framework, ``queries/frameworks/<id>.yaml``::

    id: soc2
    name: "SOC 2 — Trust Services Criteria (2017, rev. 2022)"
    version: "2022"          # optional: the edition whose numbering the ids follow
    note: >                  # optional: how the checks relate to this framework, shown under its heading
      ...
    requirements:
      CC6.1: "The entity implements logical access security ..."

A configuration may name a folder of its own framework files (``frameworks_dir``): they are loaded after the
built-in ones, held to the same validation, and may not reuse a built-in id. Mappings from checks to requirements
live only in the check headers; the report inverts them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..errors import CheckDefinitionError
from ..resources import queries_dir as default_queries_dir  # the built-in catalogue (a checkout's or the wheel's)
from .headers import pydantic_line, safe_load


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    requirements: dict[str, str]  # requirement id -> requirement text, in file order
    version: str | None = None  # the edition whose numbering the requirement ids follow
    note: str | None = None  # how the checks relate to the framework, for the report
    user_file: Path | None = field(default=None, compare=False)  # the file, for a framework of the configuration


class _FrameworkFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: StrictStr = Field(min_length=1, pattern=r"^[^\n]+$")
    version: StrictStr | None = Field(None, min_length=1, pattern=r"^[^\n]+$")
    note: StrictStr | None = Field(None, min_length=1)
    requirements: dict[StrictStr, StrictStr] = Field(min_length=1)


def load_framework(path: Path) -> Framework:
    path = Path(path)
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CheckDefinitionError(f"{path}: cannot read framework file: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise CheckDefinitionError(f"{path}: cannot read framework file: not UTF-8 text") from None
    except yaml.YAMLError as e:
        raise CheckDefinitionError(f"{path}: not valid YAML: {str(e).splitlines()[0]}") from None
    except RecursionError:
        raise CheckDefinitionError(f"{path}: not valid YAML: nested too deeply") from None
    try:
        model = _FrameworkFile.model_validate(data)
    except ValidationError as e:
        raise CheckDefinitionError(f"{path}: {pydantic_line(e, 'unknown key')}") from None
    if model.id != path.stem:
        raise CheckDefinitionError(f"{path}: id '{model.id}' differs from the file name '{path.stem}'")
    for rid, text in model.requirements.items():
        if not rid.strip() or not text.strip():
            raise CheckDefinitionError(f"{path}: requirements.{rid}: requirement id and text must not be empty")
    note = " ".join(model.note.split()) if model.note else None
    return Framework(id=model.id, name=model.name, requirements=dict(model.requirements), version=model.version,
                     note=note)


def load_frameworks(frameworks_dir: Path | None = None, user_dir: Path | None = None) -> dict[str, Framework]:
    """Every ``*.yaml`` in ``frameworks_dir`` (default: the repository's ``queries/frameworks``), keyed by framework
    id (= file stem); then those of ``user_dir`` (a configuration's ``frameworks_dir``), which may not reuse an id."""
    frameworks_dir = Path(frameworks_dir) if frameworks_dir else default_queries_dir() / "frameworks"
    if not frameworks_dir.is_dir():
        raise CheckDefinitionError(f"{frameworks_dir}: framework directory not found")
    frameworks = {p.stem: load_framework(p) for p in sorted(frameworks_dir.glob("*.yaml"))}
    if user_dir is not None:
        frameworks.update(load_user_frameworks(Path(user_dir), frameworks, frameworks_dir))
    return frameworks


def load_user_frameworks(user_dir: Path, builtin: dict[str, Framework], builtin_dir: Path) -> dict[str, Framework]:
    """The framework files of a configuration's ``frameworks_dir``, validated as the built-in ones are. A ``.yml``
    file is refused rather than skipped, so that no framework a user wrote silently goes missing from the report."""
    if not user_dir.is_dir():
        raise CheckDefinitionError(f"{user_dir}: framework directory (frameworks_dir) not found")
    out: dict[str, Framework] = {}
    for path in sorted(user_dir.iterdir()):
        if path.suffix == ".yml":
            raise CheckDefinitionError(f"{path}: framework files end in .yaml (rename it to {path.stem}.yaml)")
        if path.suffix != ".yaml":
            continue
        fw = load_framework(path)
        if fw.id in builtin:
            raise CheckDefinitionError(f"{path}: framework id '{fw.id}' is a built-in framework "
                                       f"({builtin_dir / (fw.id + '.yaml')}); give yours another id and file name")
        out[fw.id] = replace(fw, user_file=path.resolve())
    return out
