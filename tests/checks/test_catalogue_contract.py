"""The whole catalogue held to the contract of docs/architecture.md."""

from __future__ import annotations

import pytest
from check_case_support import DEFAULT_PERIOD, case_path, load_cases, new_lake

from auditreport import lake
from auditreport.checks.catalogue import (
    default_queries_dir,
    load_catalogue,
    sql_parameters,
)
from auditreport.checks.frameworks import load_frameworks
from auditreport.checks.model import SEVERITIES
from auditreport.checks.runner import REQUIRED_COLUMNS, bind_params
from auditreport.config import Policy
from auditreport.engines.portable import NOT_YET_PORTABLE, non_portable

CATALOGUE = load_catalogue()
CHECKS = CATALOGUE.checks
FRAMEWORKS = load_frameworks(default_queries_dir() / "frameworks")
by_id = pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])


def test_catalogue_has_enough_checks_with_unique_ids():
    assert len(CHECKS) >= 12
    assert len({c.id for c in CHECKS}) == len(CHECKS)


def test_framework_files():
    assert {"soc2", "iso27001", "hipaa", "eu_ai_act", "iso42001", "nist_ai_rmf", "cis_aws"} <= set(FRAMEWORKS)
    for fw in FRAMEWORKS.values():
        assert fw.name and fw.requirements


@by_id
def test_header(check):
    assert check.id == check.path.stem
    assert check.domain == check.path.parent.name
    assert check.severity in SEVERITIES and check.kind in ("posture", "detection")
    assert check.title and "\n" not in check.title
    assert len(check.description) > 80 and len(check.remediation) > 40
    assert set(check.requires) <= set(lake.TABLES) | set(CATALOGUE.views)
    assert set(check.lake_tables) <= set(lake.TABLES)
    for fw, reqs in check.frameworks.items():
        assert fw in FRAMEWORKS and reqs and set(reqs) <= set(FRAMEWORKS[fw].requirements)
    assert set(check.params) == sql_parameters(check.sql)


@by_id
def test_event_scans_are_bounded_by_the_period(check):
    event_tables = [t for t in check.lake_tables if lake.TABLES[t].time_column]
    if event_tables:
        assert {"period_start", "period_end"} <= set(check.params), f"{check.id} scans {event_tables} without the period"


@by_id
def test_sql_plans_and_returns_the_contract_columns(check):
    con = new_lake(CATALOGUE)
    try:
        params = bind_params(check, Policy().model_dump(), DEFAULT_PERIOD)
        con.execute("EXPLAIN " + check.sql, params).fetchall()
        cur = con.execute(check.sql, params)
        columns = [d[0] for d in cur.description]
        assert cur.fetchall() == []  # empty lake: nothing to report
    finally:
        con.close()
    for col in REQUIRED_COLUMNS:
        assert col in columns, f"{check.id} does not return {col}"
    assert len(columns) == len(set(columns)), f"{check.id} returns a column name twice"


@by_id
def test_cases_cover_a_failure_and_a_pass(check):
    path = case_path(check)
    assert path.exists(), f"{check.id}: no test cases at {path}"
    cases = load_cases(path)

    def expects(case, status):
        return case.get("expect_status") == status or any(r.get("status") == status for r in case.get("expect") or [])

    assert any(expects(c, "fail") for c in cases), f"{check.id}: no case expects a failing row"
    assert any(
        expects(c, "pass") or (c.get("expect") == [] and check.kind == "detection") for c in cases
    ), f"{check.id}: no case expects a pass"


ITEMS = list(CATALOGUE.views.values()) + CHECKS


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_keeps_to_the_portable_subset(item):
    """docs/portable-sql.md: what Spark runs with DuckDB's meaning (the equivalence test, tests/engines, proves it on
    the sample month)."""
    found = non_portable(item.sql)
    if item.id in NOT_YET_PORTABLE:
        assert found, f"{item.path} keeps to the portable subset now: take it out of NOT_YET_PORTABLE"
    else:
        assert not found, f"{item.path}: outside the portable subset (docs/portable-sql.md): {'; '.join(found)}"
