"""The one shared runner for every check's test cases (queries/<domain>/<check_id>.yaml), on a lake with the shared
views created, as a run has them."""

from __future__ import annotations

import pytest
from check_case_support import (
    case_params,
    case_path,
    insert_case_tables,
    load_cases,
    match_rows,
    new_lake,
)

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.runner import run_check

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
        except Exception as e:  # noqa: BLE001 - a broken case file fails its own test, not the whole collection
            yield pytest.param(check, {"_broken": f"{type(e).__name__}: {e}"}, id=f"{check.id}::<broken case file>")
            continue
        for case in cases:
            yield pytest.param(check, case, id=f"{check.id}::{case['name']}")


@pytest.mark.parametrize("check,case", list(_cases()))
def test_case(check, case):
    assert case is not None, f"{check.id}: no test cases at {case_path(check)}"
    assert "_broken" not in case, f"{case_path(check)}: {case.get('_broken')}"
    tables = case.get("tables") or {}
    con = new_lake(CATALOGUE)
    try:
        insert_case_tables(con, tables)
        period, params = case_params(case)
        result = run_check(con, check, period, params, case.get("unavailable"))
    finally:
        con.close()

    expected_status = case.get("expect_status")
    if result.status == "error" and expected_status != "error":
        pytest.fail(f"{check.id} raised: {result.message}")
    for row in result.rows:
        assert row["resource"] is not None, f"{check.id}: a row has no resource: {row}"
        assert isinstance(row["reason"], str) and row["reason"].strip(), f"{check.id}: a row has no reason: {row}"
    if "expect_message" in case:
        assert case["expect_message"] in result.message, f"{check.id}: message {result.message!r}"
    if "expect" in case:
        problem = match_rows(result.rows, case["expect"])
        assert problem is None, f"{check.id} / {case['name']}: {problem}"
    if expected_status:
        assert result.status == expected_status, (
            f"{check.id} / {case['name']}: status {result.status}, expected {expected_status}"
            + (f" ({result.message})" if result.message else "")
        )
