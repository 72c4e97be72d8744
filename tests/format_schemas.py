"""Each machine-readable output held to its published schema, with the validator that schema's publisher names.

- findings.json: our own schema, ``src/auditreport/report/schemas/findings.schema.json`` (draft 2020-12), with
  ``jsonschema`` and its format checker.

Every validator returns the list of errors (empty when valid), so that a test can show them all.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"


@cache
def _findings_validator():
    from auditreport.report.findings import findings_schema_text

    schema = json.loads(findings_schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def findings_errors(doc: dict) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in _findings_validator().iter_errors(doc)]
