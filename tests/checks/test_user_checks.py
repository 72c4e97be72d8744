"""user_checks.py: the checks of a configuration's checks_dir are held to the built-in contract; one that cannot be
loaded becomes a check whose result is error, naming its file and line, and nothing else is affected."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_case_support import new_lake

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.runner import run_check
from auditreport.errors import CheckDefinitionError
from auditreport.period import Period

GOOD = """/*---
id: {id}
title: Every trail is listed
severity: low
kind: posture
frameworks: {{soc2: [CC7.2]}}
requires: [cloudtrail_trails]
description: >
  A check of the user's own.
remediation: >
  None.
---*/
select trail_name as resource, 'fail' as status, 'listed' as reason from cloudtrail_trails
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_user_check_joins_the_catalogue_under_its_folder_or_custom(tmp_path):
    write(tmp_path, "mine.sql", GOOD.format(id="mine"))
    write(tmp_path, "ops/ops_check.sql", GOOD.format(id="ops_check"))
    builtin = load_catalogue()
    catalogue = load_catalogue(user_checks_dir=tmp_path)
    assert len(catalogue) == len(builtin) + 2
    mine, ops = catalogue.check("mine"), catalogue.check("ops_check")
    assert (mine.domain, mine.origin, mine.load_error) == ("custom", "user", "")
    assert (ops.domain, ops.origin) == ("ops", "user")
    assert all(c.origin == "built-in" for c in catalogue if c.id not in ("mine", "ops_check"))


@pytest.mark.parametrize("name,text,line,expected", [
    ("bad_yaml.sql", GOOD.format(id="bad_yaml").replace("title: Every", "title: [Every"), 3, "header is not valid YAML"),
    ("bad_fw.sql", GOOD.format(id="bad_fw").replace("soc2: [CC7.2]", "soc2: [CC99]"), 6, "unknown requirement 'CC99'"),
    ("bad_sql.sql", GOOD.format(id="bad_sql").replace("select trail_name", "selec trail_name"), 13, "SQL does not parse"),
    ("other_id.sql", GOOD.format(id="not_the_file_name"), 2, "differs from the file name"),
    ("iam_ml_role_wildcard_actions.sql", GOOD.format(id="iam_ml_role_wildcard_actions"), 2,
     "check id 'iam_ml_role_wildcard_actions' is already defined by"),
])  # fmt: skip
def test_a_broken_user_check_is_an_error_naming_file_and_line_and_the_others_run(tmp_path, name, text, line, expected):
    path = write(tmp_path, name, text)
    write(tmp_path, "mine.sql", GOOD.format(id="mine"))
    catalogue = load_catalogue(user_checks_dir=tmp_path)  # loading does not stop
    broken = [c for c in catalogue if c.path == path]
    assert len(broken) == 1 and broken[0].origin == "user"
    assert broken[0].load_error.startswith(f"{path}:{line}: ") and expected in broken[0].load_error
    assert "\n" not in broken[0].load_error
    builtin_same_id = [c for c in catalogue if c.id == "iam_ml_role_wildcard_actions"]
    assert [c.origin for c in builtin_same_id] == ["built-in"]  # a taken id stays with the built-in check
    con = new_lake(catalogue)
    con.execute("INSERT INTO cloudtrail_trails (trail_name) VALUES ('t')")
    oct_ = Period.parse("2026-10")
    result = run_check(con, broken[0], oct_, {})
    assert (result.status, result.message) == ("error", broken[0].load_error)
    assert run_check(con, catalogue.check("mine"), oct_, {}).status == "fail"  # the others run


def test_a_user_check_failing_at_run_time_names_its_file_and_line(tmp_path):
    path = write(tmp_path, "late.sql", GOOD.format(id="late").replace("select trail_name", "select no_such_column"))
    catalogue = load_catalogue(user_checks_dir=tmp_path)
    con = new_lake(catalogue)
    con.execute("INSERT INTO cloudtrail_trails (trail_name) VALUES ('t')")
    result = run_check(con, catalogue.check("late"), Period.parse("2026-10"), {})
    assert result.status == "error"
    assert result.message.startswith(f"{path}:13: BinderException: ") and "no_such_column" in result.message


def test_a_header_beyond_repair_still_names_the_file(tmp_path):
    path = write(tmp_path, "Not A Name!.sql", "select 1")
    check = [c for c in load_catalogue(user_checks_dir=tmp_path) if c.path == path][0]
    assert check.id == "not_a_name" and check.load_error == f"{path}: no metadata header: the file must start with " \
        "a '/*---' ... '---*/' YAML block comment"  # fmt: skip
    assert check.severity == "high" and check.frameworks == {}


def test_checks_nested_too_deep_and_a_missing_folder(tmp_path):
    path = write(tmp_path, "a/b/deep.sql", GOOD.format(id="deep"))
    check = [c for c in load_catalogue(user_checks_dir=tmp_path) if c.path == path][0]
    assert "goes in" in check.load_error and check.id == "deep"
    with pytest.raises(CheckDefinitionError, match="checks_dir"):
        load_catalogue(user_checks_dir=tmp_path / "nowhere")
