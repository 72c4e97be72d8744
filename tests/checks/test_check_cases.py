"""The one shared runner for every check's test cases (queries/<domain>/<check_id>.yaml), on a lake with the shared
views created, as a run has them. The runner is the library's (:func:`auditreport.checks.cases.run_case`), the one
``auditreport checks test`` uses for checks of the user's own."""

from __future__ import annotations

import pytest
from check_case_support import case_path, load_cases, run_case

from auditreport.checks.catalogue import load_catalogue
from auditreport.errors import CheckDefinitionError

CATALOGUE = load_catalogue()
CHECKS = CATALOGUE.checks


def _cases():
    for check in CHECKS:
        path = case_path(check)
        if not path.exists():
            yield pytest.param(check, None, id=f"{check.id}::<no case file>")
            continue
        try:
            cases = load_cases(path)
        except CheckDefinitionError as e:  # a broken case file fails its own test, not the whole collection
            yield pytest.param(check, {"_broken": str(e)}, id=f"{check.id}::<broken case file>")
            continue
        for case in cases:
            yield pytest.param(check, case, id=f"{check.id}::{case['name']}")


@pytest.mark.parametrize("check,case", list(_cases()))
def test_case(check, case):
    assert case is not None, f"{check.id}: no test cases at {case_path(check)}"
    assert "_broken" not in case, case.get("_broken")
    outcome = run_case(CATALOGUE, check, case)
    assert outcome.ok, f"{check.id} / {case['name']}:\n" + "\n".join(outcome.problems)
