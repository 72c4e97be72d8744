"""Shared check views: each view's cases (queries/_views/<view_id>.yaml) show what it keeps and drops; the loader
validates view files as strictly as check files and orders them so every view comes after the views it reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from check_case_support import (
    case_path,
    insert_case_tables,
    load_cases,
    match_rows,
    new_lake,
)

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.views import (
    VIEWS_DIR,
    create_views,
    lake_tables_of,
    load_views,
    order_views,
    parse_view,
)
from auditreport.errors import CheckDefinitionError

CATALOGUE = load_catalogue()
VIEWS = list(CATALOGUE.views.values())


def _cases():
    for view in VIEWS:
        path = case_path(view)
        if not path.exists():
            yield pytest.param(view, None, id=f"{view.id}::<no case file>")
            continue
        for case in load_cases(path):
            yield pytest.param(view, case, id=f"{view.id}::{case['name']}")


@pytest.mark.parametrize("view,case", list(_cases()))
def test_view_case(view, case):
    assert case is not None, f"{view.id}: no test cases at {case_path(view)}"
    assert not {"period", "params", "unavailable", "expect_status", "expect_message"} & set(case), (
        f"{case_path(view)}: a view case has tables and expect only")
    con = new_lake(CATALOGUE)
    try:
        insert_case_tables(con, case.get("tables"))
        cur = con.execute(f'SELECT * FROM "{view.id}"')
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    finally:
        con.close()
    problem = match_rows(rows, case["expect"])
    assert problem is None, f"{view.id} / {case['name']}: {problem}"


def _reads(sql: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", sql) is not None


@pytest.mark.parametrize("view", VIEWS, ids=[v.id for v in VIEWS])
def test_every_view_is_shared_by_two_checks_or_more(view):
    def reads(sql_of_reader: str, depth: int = 0) -> bool:
        if _reads(sql_of_reader, view.id):
            return True
        return any(reads(v.body, depth + 1) for v in VIEWS if v.id != view.id and _reads(sql_of_reader, v.id))

    readers = [c.id for c in CATALOGUE.checks if reads(c.sql)]
    assert len(readers) >= 2, f"{view.id} is read by {readers or 'no check'}: a derivation one check uses stays in it"


def test_the_repository_views_in_creation_order_with_their_lake_tables():
    ids = list(CATALOGUE.views)
    assert ids.index("cloudtrail_events_unique") < ids.index("sagemaker_model_package_events") < ids.index(
        "sagemaker_approval_events")
    assert CATALOGUE.views["sagemaker_approval_events"].lake_tables == ["cloudtrail_events"]
    assert CATALOGUE.views["sagemaker_model_packages_current"].lake_tables == ["sagemaker_model_packages"]
    deployed = CATALOGUE.check("sagemaker_deployed_before_approval")
    assert deployed.lake_tables == ["cloudtrail_events", "sagemaker_deployments"]


def test_no_check_copies_the_event_de_duplication():
    for check in CATALOGUE.checks:
        assert "partition by event_id" not in check.sql, f"{check.id}: read cloudtrail_events_unique instead"


# ---------- loading and validation ----------

GOOD = """/*---
id: {id}
description: >
  Trails that are logging.
requires: [{requires}]
---*/
select * from {requires} where is_logging
"""


def write_view(root: Path, view_id: str, requires: str = "cloudtrail_trails", text: str | None = None) -> Path:
    path = root / VIEWS_DIR / f"{view_id}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else GOOD.format(id=view_id, requires=requires))
    return path


def test_a_good_view_loads_and_is_created(tmp_path):
    path = write_view(tmp_path, "trails_logging")
    view = parse_view(path)
    assert (view.id, view.requires, view.description) == ("trails_logging", ["cloudtrail_trails"], "Trails that are logging.")
    assert view.body.strip().startswith("select") and view.sql.startswith("/*---")
    views = load_views(tmp_path)
    con = new_lake()
    try:
        con.execute("INSERT INTO cloudtrail_trails (trail_name, is_logging) VALUES ('a', true), ('b', false)")
        create_views(con, views)
        create_views(con, views)  # again: replaced, not an error
        assert con.execute("SELECT trail_name FROM trails_logging").fetchall() == [("a",)]
    finally:
        con.close()


def test_views_are_ordered_after_the_views_they_read(tmp_path):
    write_view(tmp_path, "a_top", requires="m_middle")
    write_view(tmp_path, "m_middle", requires="z_bottom")
    write_view(tmp_path, "z_bottom")
    views = load_views(tmp_path)
    assert list(views) == ["z_bottom", "m_middle", "a_top"]
    assert views["a_top"].lake_tables == ["cloudtrail_trails"]
    assert lake_tables_of(["a_top", "s3_bucket_settings", "cloudtrail_trails"], views) == ["cloudtrail_trails",
                                                                                           "s3_bucket_settings"]


def test_no_views_folder_means_no_views(tmp_path):
    assert load_views(tmp_path) == {}


BAD = [
    ("unknown key", lambda s: s.replace("requires:", "owner: bob\nrequires:"), "owner: unknown header key"),
    ("no description", lambda s: s.replace("description: >\n  Trails that are logging.\n", ""), "description: Field required"),
    ("no requires", lambda s: s.replace("[cloudtrail_trails]", "[]"), "requires"),
    ("id differs", lambda s: s.replace("id: v", "id: w"), "differs from the file name"),
    ("unknown table", lambda s: s.replace("[cloudtrail_trails]", "[trails]"), "unknown lake table or view 'trails'"),
    ("a parameter", lambda s: s.replace("where is_logging", "where captured_at < $period_end"),
     "a view cannot take parameters, but its SQL uses $period_end"),
    ("two statements", lambda s: s + ";\nselect 1", "exactly one SQL statement"),
    ("not a select", lambda s: s[: s.index("select")] + "delete from cloudtrail_trails", "must be a SELECT"),
    ("no header", lambda s: s[s.index("---*/") + 5:], "no metadata header"),
    ("named like a lake table", lambda s: s, "is the name of a lake table"),
]


@pytest.mark.parametrize("mutate,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_view_files_are_rejected_in_one_line(tmp_path, mutate, expected):
    view_id = "cloudtrail_events" if expected == "is the name of a lake table" else "v"
    path = write_view(tmp_path, view_id, text=mutate(GOOD.format(id=view_id, requires="cloudtrail_trails")))
    with pytest.raises(CheckDefinitionError) as err:
        load_views(tmp_path)
    assert re.match(rf"{re.escape(str(path))}(:\d+)?: ", str(err.value)) and expected in str(err.value), str(err.value)
    assert "\n" not in str(err.value)


def test_a_cycle_of_views_is_rejected(tmp_path):
    write_view(tmp_path, "a", requires="b")
    write_view(tmp_path, "b", requires="c")
    write_view(tmp_path, "c", requires="a")
    with pytest.raises(CheckDefinitionError, match=r"views require one another in a cycle: a -> b -> c -> a"):
        load_views(tmp_path)


def test_a_duplicate_view_id_is_rejected(tmp_path):
    view = parse_view(write_view(tmp_path, "v"))
    with pytest.raises(CheckDefinitionError, match="is already defined by"):
        order_views([view, view])


def test_a_materialized_view_is_a_table_in_the_run_and_a_view_elsewhere():
    """A table of the database, not a temporary one: the run's checks read it from cursors of their own."""
    catalogue = load_catalogue()
    assert catalogue.views["cloudtrail_event_copies"].materialize
    for materialize, kind in ((True, "BASE TABLE"), (False, "VIEW")):
        con = new_lake()
        con.execute("INSERT INTO cloudtrail_events (event_id, source_key, record_index) VALUES "
                    "('e1', 'a.json.gz', 0), ('e1', 'b.json.gz', 0), ('e2', 'b.json.gz', 1)")  # fmt: skip
        catalogue.create_views(con, materialize=materialize)
        got = con.execute("SELECT table_type FROM information_schema.tables "
                          "WHERE table_name = 'cloudtrail_event_copies'").fetchone()[0]
        assert got == kind
        assert con.cursor().execute("SELECT event_id, source_key FROM cloudtrail_event_copies").fetchall() == [
            ("e1", "b.json.gz")]
        assert sorted(con.execute("SELECT event_id, source_key FROM cloudtrail_events_unique").fetchall()) == [
            ("e1", "a.json.gz"), ("e2", "b.json.gz")]
        con.close()


def test_a_materialized_view_without_rows_is_an_empty_view_the_planner_drops_joins_against():
    """No duplicate records (the usual trail): cloudtrail_event_copies is an empty view of the same columns and
    types, and cloudtrail_events_unique's plan no longer joins it (nor reads event_id for it). Made again, it is a
    table once it has rows."""
    catalogue = load_catalogue()
    con = new_lake()
    con.execute("INSERT INTO cloudtrail_events (event_id, source_key, record_index, event_source) VALUES "
                "('e1', 'a.json.gz', 0, 's3.amazonaws.com'), ('e2', 'a.json.gz', 1, 'iam.amazonaws.com')")  # fmt: skip
    catalogue.create_views(con, materialize=True)
    kind = "SELECT table_type FROM information_schema.tables WHERE table_name = 'cloudtrail_event_copies'"
    assert con.execute(kind).fetchone()[0] == "VIEW"
    assert con.execute("DESCRIBE cloudtrail_event_copies").fetchall() == [
        ("event_id", "VARCHAR", "YES", None, None, None), ("source_key", "VARCHAR", "YES", None, None, None),
        ("record_index", "INTEGER", "YES", None, None, None)]  # fmt: skip
    assert con.cursor().execute("SELECT count(*) FROM cloudtrail_event_copies").fetchone()[0] == 0
    plan = con.execute("EXPLAIN SELECT source_key FROM cloudtrail_events_unique "
                       "WHERE event_source = 'iam.amazonaws.com'").fetchall()[0][1]  # fmt: skip
    assert "JOIN" not in plan.upper() and "event_id" not in plan
    assert con.execute("SELECT event_id FROM cloudtrail_events_unique ORDER BY 1").fetchall() == [("e1",), ("e2",)]
    con.execute("INSERT INTO cloudtrail_events (event_id, source_key, record_index) VALUES ('e1', 'b.json.gz', 0)")
    catalogue.create_views(con, materialize=True)  # a second call (the checks benchmark repeats the stage)
    assert con.execute(kind).fetchone()[0] == "BASE TABLE"
    assert con.execute("SELECT count(*) FROM cloudtrail_events_unique").fetchone()[0] == 2
    con.close()
