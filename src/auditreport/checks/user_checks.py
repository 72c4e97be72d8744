"""Checks of the user's own: the ``.sql`` files of a configuration's ``checks_dir``, held to the built-in contract.

Layout: ``<checks_dir>/<check_id>.sql`` (shown in the domain ``custom``) or ``<checks_dir>/<domain>/<check_id>.sql``,
each with its cases beside it (``<check_id>.yaml``, run by ``auditreport checks test``). A user check may read every
lake table and shared view, take policy settings as parameters and map to built-in frameworks and to those of
``frameworks_dir``.

Unlike the built-in catalogue, where a malformed file stops the run, a user check that cannot be loaded (a header
that is not YAML, an unknown framework, SQL that does not parse, an id already taken) does not stop anything: it
becomes a check whose result is ``error``, with a message naming the file and the line at fault, and every other
check runs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..errors import CheckDefinitionError
from .frameworks import Framework
from .headers import _HEADER, key_line, safe_load
from .model import SEVERITIES, Check, View

USER_DOMAIN = "custom"  # the domain of a user check written directly in checks_dir
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def load_user_checks(checks_dir: Path, frameworks: dict[str, Framework], views: dict[str, View],
                     taken: dict[str, Path], parse) -> list[Check]:  # fmt: skip
    """The checks of ``checks_dir``: each loaded, or a check that reports why it could not be. ``taken`` maps the
    ids already in use (the built-in checks) to their files; ``parse`` is the built-in checks' parser."""
    checks_dir = Path(checks_dir)
    if not checks_dir.is_dir():
        raise CheckDefinitionError(f"{checks_dir}: checks directory (checks_dir) not found", path=checks_dir)
    taken = dict(taken)
    out: list[Check] = []
    for path in sorted(checks_dir.rglob("*.sql")):
        rel = path.relative_to(checks_dir)
        domain = rel.parts[0] if len(rel.parts) == 2 else USER_DOMAIN
        try:
            if len(rel.parts) > 2:
                raise CheckDefinitionError(f"{path}: a check of your own goes in {checks_dir}/<check_id>.sql or "
                                           f"{checks_dir}/<domain>/<check_id>.sql", path=path)  # fmt: skip
            check = parse(path, frameworks, domain=domain, views=views)
            if check.id in taken:
                raise CheckDefinitionError(
                    f"{path}:{key_line(check.sql, 'id') or 1}: check id '{check.id}' is already defined by "
                    f"{taken[check.id]}", path=path, line=key_line(check.sql, "id") or 1,
                )  # fmt: skip
            check = replace(check, origin="user")
        except CheckDefinitionError as e:
            check = broken_check(path, domain, str(e), taken)
        taken[check.id] = path
        out.append(check)
    return out


def broken_check(path: Path, domain: str, error: str, taken: dict[str, Path]) -> Check:
    """A user check that could not be loaded, as a check that runs as ``error``. Its title and severity are read
    from the header when they can be, so that the report still says what was meant."""
    text = ""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    header = _loose_header(text)
    stem = path.stem if _ID.match(path.stem) else re.sub(r"[^a-z0-9_]", "_", path.stem.lower()).strip("_") or "check"
    check_id, n = stem, 1
    while check_id in taken:  # an id that is taken stays with the check that has it
        n += 1
        check_id = f"{stem}_{n}" if n > 2 else f"{stem}_user"
    title = header.get("title") if isinstance(header.get("title"), str) and header["title"].strip() else None
    severity = header.get("severity") if header.get("severity") in SEVERITIES else "high"
    return Check(
        id=check_id, title=" ".join((title or f"check of your own in {path.name}").split()), severity=severity,
        kind=header.get("kind") if header.get("kind") in ("posture", "detection") else "posture",
        frameworks={}, requires=[], params=[], description=f"This check could not be loaded: {error}",
        remediation="Fix the file named in the error; `auditreport checks test` runs its cases once it loads.",
        sql=text, path=path, domain=domain, lake_tables=[], origin="user", load_error=error,
    )  # fmt: skip


def _loose_header(text: str) -> dict:
    m = _HEADER.match(text)
    if not m:
        return {}
    try:
        data = safe_load(m.group("yaml"))
    except Exception:  # noqa: BLE001 - a header that does not parse gives no title; the error says why
        return {}
    return data if isinstance(data, dict) else {}
