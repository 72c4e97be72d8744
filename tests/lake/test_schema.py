"""auditreport.lake.schema: what a lake table is (columns, provenance, partitions) and the SQL it yields."""

from __future__ import annotations

import duckdb

from auditreport.lake.schema import PROVENANCE, Table


def _table(**kw) -> Table:
    args = dict(name="t", source="s", description="d", columns=[("a", "VARCHAR"), ("at", "TIMESTAMP"), ("doc", "JSON")])
    args.update(kw)
    return Table(**args)


def test_all_columns_adds_provenance_after_the_declared_columns():
    t = _table()
    assert t.all_columns == [("a", "VARCHAR"), ("at", "TIMESTAMP"), ("doc", "JSON"), *PROVENANCE]
    assert [c for c, _ in PROVENANCE] == ["source_key", "record_index", "ingest_run_id"]


def test_all_columns_adds_year_and_month_last_for_a_partitioned_table():
    t = _table(time_column="at", partitioned=True)
    assert t.all_columns[-2:] == [("year", "INTEGER"), ("month", "INTEGER")]
    assert t.all_columns[:-2] == _table().all_columns


def test_all_columns_without_provenance_is_just_the_declared_columns():
    t = _table(provenance=False)
    assert t.all_columns == t.columns
    assert _table(provenance=False, partitioned=True, time_column="at").all_columns == t.columns + [
        ("year", "INTEGER"), ("month", "INTEGER")]


def test_all_columns_does_not_mutate_the_declared_columns():
    t = _table(partitioned=True, time_column="at")
    _ = t.all_columns
    assert t.columns == [("a", "VARCHAR"), ("at", "TIMESTAMP"), ("doc", "JSON")]


def test_ddl_creates_a_table_with_every_column_and_its_type():
    t = _table(partitioned=True, time_column="at")
    con = duckdb.connect()
    con.execute(t.ddl())
    described = con.execute("DESCRIBE t").fetchall()
    assert [(r[0], r[1]) for r in described] == t.all_columns
    assert con.execute("SELECT temporary FROM duckdb_tables() WHERE table_name = 't'").fetchone() == (False,)


def test_ddl_temp_and_another_name_creates_a_temporary_table_of_that_name():
    t = _table()
    sql = t.ddl("other name", temp=True)
    assert sql.startswith('CREATE TEMP TABLE "other name" (')
    con = duckdb.connect()
    con.execute(sql)
    assert con.execute("SELECT temporary FROM duckdb_tables() WHERE table_name = 'other name'").fetchone() == (True,)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchone() == (0,)


def test_empty_select_is_typed_and_returns_no_rows_in_duckdb():
    t = _table(partitioned=True, time_column="at")
    con = duckdb.connect()
    rel = con.sql(t.empty_select())
    assert rel.columns == [c for c, _ in t.all_columns]
    assert [str(ty) for ty in rel.types] == [ty for _, ty in t.all_columns]
    assert rel.fetchall() == []
    # usable as a view body, and queryable like the real table would be
    con.execute(f"CREATE VIEW v AS {t.empty_select()}")
    assert con.execute('SELECT count(*), max("at"), max(year) FROM v').fetchone() == (0, None, None)


def test_partition_columns_are_an_event_tables_folders_and_not_in_its_files():
    from auditreport.lake import TABLES

    for t in TABLES.values():
        assert t.all_columns == t.stored_columns + t.partition_columns
        assert [c for c, _ in t.partition_columns] == (["year", "month"] if t.partitioned else [])
        assert not {c for c, _ in t.partition_columns} & {c for c, _ in t.stored_columns}
