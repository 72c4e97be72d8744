"""catalogue.py: the catalogue loaded once as a Catalogue; a malformed check file stops loading with one line that
names the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditreport.checks.catalogue import Catalogue, load_catalogue
from auditreport.errors import CheckDefinitionError

FRAMEWORK = """id: soc2
name: "SOC 2"
requirements:
  CC7.2: "The entity monitors system components."
"""

GOOD = """/*---
id: {id}
title: Trails are logging
severity: high
kind: posture
frameworks: {{soc2: [CC7.2]}}
requires: [cloudtrail_trails]
params: [min_log_retention_days]
description: >
  A description.
remediation: >
  A remediation.
---*/
select trail_name as resource, 'pass' as status, 'ok' as reason, $min_log_retention_days as n from cloudtrail_trails
"""


def write(root: Path, text: str, name: str = "good_check", domain: str = "logging") -> Path:
    (root / "frameworks").mkdir(parents=True, exist_ok=True)
    (root / "frameworks" / "soc2.yaml").write_text(FRAMEWORK)
    path = root / domain / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_good_check_loads(tmp_path):
    write(tmp_path, GOOD.format(id="good_check"))
    [check] = load_catalogue(tmp_path)
    assert (check.id, check.domain, check.severity, check.kind) == ("good_check", "logging", "high", "posture")
    assert check.frameworks == {"soc2": ["CC7.2"]} and check.params == ["min_log_retention_days"]
    assert check.description == "A description." and check.sql.startswith("/*---")


def test_the_repository_catalogue_loads_by_default_as_one_object():
    catalogue = load_catalogue()
    assert isinstance(catalogue, Catalogue) and len(catalogue) == len(catalogue.checks) >= 12
    assert list(catalogue) == catalogue.checks == sorted(catalogue.checks, key=lambda c: (c.domain, c.id))
    assert {"soc2", "iso27001"} <= set(catalogue.frameworks) and catalogue.frameworks["soc2"].requirements
    assert "cloudtrail_events_unique" in catalogue.views
    assert catalogue.check("cloudtrail_tampering").domain == "integrity"
    with pytest.raises(KeyError, match="no check 'nope'"):
        catalogue.check("nope")


VIEW = """/*---
id: trails_logging
description: >
  Trails that are logging.
requires: [cloudtrail_trails]
---*/
select * from cloudtrail_trails where is_logging
"""


def test_a_check_may_require_a_view_and_no_data_follows_its_lake_tables(tmp_path):
    text = GOOD.format(id="good_check").replace("requires: [cloudtrail_trails]", "requires: [trails_logging, s3_bucket_settings]")
    write(tmp_path, text.replace("from cloudtrail_trails", "from trails_logging"))
    (tmp_path / "_views").mkdir()
    (tmp_path / "_views" / "trails_logging.sql").write_text(VIEW)
    catalogue = load_catalogue(tmp_path)
    [check] = catalogue.checks
    assert check.requires == ["trails_logging", "s3_bucket_settings"]
    assert check.lake_tables == ["cloudtrail_trails", "s3_bucket_settings"]
    assert list(catalogue.views) == ["trails_logging"]

    import duckdb

    from auditreport import lake

    con = duckdb.connect()
    try:
        for t in lake.TABLES.values():
            con.execute(t.ddl())
        catalogue.create_views(con)
        con.execute("INSERT INTO cloudtrail_trails (trail_name, is_logging) VALUES ('a', true), ('b', false)")
        assert con.execute("SELECT trail_name FROM trails_logging").fetchall() == [("a",)]
    finally:
        con.close()


def test_a_check_file_in_the_views_folder_or_an_underscore_folder_is_not_a_check(tmp_path):
    write(tmp_path, GOOD.format(id="good_check"))
    write(tmp_path, GOOD.format(id="hidden"), name="hidden", domain="_drafts")
    with pytest.raises(CheckDefinitionError, match="belong in"):
        load_catalogue(tmp_path)


BAD = [
    ("unknown header key", lambda s: s.replace("kind: posture", "kind: posture\nowner: alice"), "owner: unknown header key"),
    ("bad severity", lambda s: s.replace("severity: high", "severity: urgent"), "severity"),
    ("bad kind", lambda s: s.replace("kind: posture", "kind: metric"), "kind"),
    ("missing title", lambda s: s.replace("title: Trails are logging\n", ""), "title: Field required"),
    ("id differs from file name", lambda s: s.replace("id: good_check", "id: other_check"), "differs from the file name"),
    ("unknown framework", lambda s: s.replace("{soc2: [CC7.2]}", "{pci: [A.1]}"), "unknown framework 'pci'"),
    ("unknown requirement", lambda s: s.replace("[CC7.2]", "[CC9.9]"), "unknown requirement 'CC9.9' of framework 'soc2'"),
    ("no requirement", lambda s: s.replace("[CC7.2]", "[]"), "lists no requirement"),
    ("requirement id read as a number", lambda s: s.replace("[CC7.2]", "[3.10]"),
     "frameworks.soc2.0: Input should be a valid string (YAML read it as the number 3.1: write it in quotes"),
    ("unknown table", lambda s: s.replace("[cloudtrail_trails]", "[trails]"), "unknown lake table or view 'trails'"),
    ("no required table", lambda s: s.replace("[cloudtrail_trails]", "[]"), "requires"),
    ("param declared, unused", lambda s: s.replace("params: [min_log_retention_days]", "params: [min_log_retention_days, period_start]"),
     "declared but not used: period_start"),
    ("param used, undeclared", lambda s: s.replace("as n from", "as n, $period_end as e from"), "used but not declared: period_end"),
    ("param not a policy field", lambda s: s.replace("min_log_retention_days", "retention"), "unknown parameter 'retention'"),
    ("no header", lambda s: s[s.index("---*/") + 5 :], "no metadata header"),
    ("header not YAML", lambda s: s.replace("title: Trails are logging", "title: [unclosed"), "header is not valid YAML"),
    ("header not a mapping", lambda s: "/*---\n- a\n- b\n---*/\nselect 1", "header must be a YAML mapping"),
    ("SQL does not parse", lambda s: s.replace("select trail_name", "selec trail_name"), "SQL does not parse"),
    ("two statements", lambda s: s + ";\nselect 1", "exactly one SQL statement"),
    ("not a select", lambda s: s[: s.index("select trail_name")] + "delete from cloudtrail_trails", "must be a SELECT"),
]


# the line of the file at fault, as the message names it (path:line: ...); None where no one line is
LINES = {"unknown header key": 6, "bad severity": 4, "bad kind": 5, "missing title": 2, "id differs from file name": 2,
         "unknown framework": 6, "unknown requirement": 6, "no requirement": 6, "requirement id read as a number": 6,
         "unknown table": 7, "no required table": 7, "param declared, unused": 8, "param used, undeclared": 8,
         "param not a policy field": 8, "no header": None, "header not YAML": 3, "header not a mapping": 2,
         "SQL does not parse": 14, "two statements": None, "not a select": None}  # fmt: skip


@pytest.mark.parametrize("name,mutate,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_check_files_are_rejected_in_one_line_naming_file_and_line(tmp_path, name, mutate, expected):
    path = write(tmp_path, mutate(GOOD.format(id="good_check")))
    with pytest.raises(CheckDefinitionError) as err:
        load_catalogue(tmp_path)
    message = str(err.value)
    line = LINES[name]
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: "), message
    assert (err.value.path, err.value.line) == (str(path), line)
    assert expected in message, message
    assert "\n" not in message


def test_duplicate_ids_across_domains(tmp_path):
    write(tmp_path, GOOD.format(id="good_check"), domain="logging")
    second = write(tmp_path, GOOD.format(id="good_check"), domain="integrity")
    with pytest.raises(CheckDefinitionError, match="is already defined by"):
        load_catalogue(tmp_path)
    assert second.exists()


def test_check_outside_a_domain_folder(tmp_path):
    write(tmp_path, GOOD.format(id="good_check"))
    (tmp_path / "loose.sql").write_text(GOOD.format(id="loose"))
    with pytest.raises(CheckDefinitionError, match="belong in"):
        load_catalogue(tmp_path)


def test_missing_catalogue_directory(tmp_path):
    with pytest.raises(CheckDefinitionError, match="not found"):
        load_catalogue(tmp_path / "nowhere")
