"""cases.py: a case file is read strictly (a one-line error naming the file, the case or the line), and each case's
outcome says what differed; a check without cases, or with a broken case file, is an outcome that fails."""

from __future__ import annotations

import pytest

from auditreport.checks.cases import load_cases, run_all_cases
from auditreport.checks.catalogue import load_catalogue
from auditreport.errors import CheckDefinitionError


@pytest.mark.parametrize("text,expected", [
    ("cases:\n  - {name: a, expect_status: fail}\n  - name: [b\n", r"x\.yaml:3: not valid YAML"),
    ("cases: []\n", r"x\.yaml: no 'cases:' list"),
    ("cases: [{name: a, expect_status: fail}]\nmore: 1\n", r"unknown top-level keys \['more'\]"),
    ("cases: [{expect_status: fail}]\n", r"case 0: a case needs a name"),
    ("cases: [{name: a, expect_status: fail}, {name: a, expect_status: fail}]\n", r"case a: duplicate case name"),
    ("cases: [{name: a}]\n", r"case a: needs expect or expect_status"),
    ("cases: [{name: a, expect_status: failed}]\n", r"case a: bad expect_status"),
    ("cases: [{name: a, expect_status: fail, tables: {nope: []}}]\n", r"case a: unknown table 'nope'"),
    ("cases: [{name: a, expect_status: fail, tables: {cloudtrail_trails: [{nope: 1}]}}]\n",
     r"case a: tables.cloudtrail_trails: unknown column\(s\) \['nope'\]"),
    ("cases: [{name: a, expect_status: fail, params: {nope: 1}}]\n", r"case a: unknown param 'nope'"),
    ("cases: [{name: a, expect_status: fail, period: 2026-13}]\n", r"case a: period: "),
])  # fmt: skip
def test_a_bad_case_file_is_one_line_naming_it(tmp_path, text, expected):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(CheckDefinitionError, match=expected) as err:
        load_cases(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_outcomes_name_a_missing_or_broken_case_file_and_a_wrong_expectation(tmp_path):
    check_sql = (load_catalogue().check("root_account_activity").path).read_text()
    for name in ("no_cases", "broken_cases", "wrong"):
        (tmp_path / f"{name}.sql").write_text(check_sql.replace("id: root_account_activity", f"id: {name}"))
    (tmp_path / "broken_cases.yaml").write_text("cases: nope\n")
    (tmp_path / "wrong.yaml").write_text("cases:\n  - name: expects a failure on no data\n    expect_status: fail\n")
    catalogue = load_catalogue(user_checks_dir=tmp_path)
    outcomes = {o.check.id: o for o in run_all_cases(catalogue, [c for c in catalogue if c.origin == "user"])}
    assert not any(o.ok for o in outcomes.values())
    assert outcomes["no_cases"].problems[0].startswith(f"no case file: write {tmp_path / 'no_cases.yaml'}")
    assert "no 'cases:' list" in outcomes["broken_cases"].problems[0]
    assert outcomes["wrong"].status == "no_data" and "status no_data, expected fail" in outcomes["wrong"].problems[0]
