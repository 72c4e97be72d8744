"""auditreport.lake.tables.*: every lake table declared once, in the module of the source that fills it.

Each module is named here (MODULES) and every per-module promise is checked for each of them:
auditreport.lake.tables.bookkeeping, .cloudtrail, .cloudwatch, .eks, .iam, .mlflow, .s3, .sagemaker, .trails.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from auditreport import lake
from auditreport.lake import tables as tables_pkg
from auditreport.lake.schema import PROVENANCE, Table
from auditreport.sources import SOURCES

MODULES = ["bookkeeping", "cloudtrail", "cloudwatch", "eks", "iam", "mlflow", "s3", "sagemaker", "trails"]
BOOKKEEPING = {"ingest_objects", "quarantine"}
SCALAR_TYPES = {"VARCHAR", "INTEGER", "BIGINT", "BOOLEAN", "TIMESTAMP", "DOUBLE", "JSON"}
# columns that hold documents (dicts or lists) wherever they appear
NESTED_NAMES = re.compile(r"^(tags|aliases|params|resources|log_files|user_identity|request_parameters|response_elements|"
                          r"additional_event_data|service_event_details|tls_details|.*_policy|.*_selectors|"
                          r"condition|actions|not_actions|not_resources|created_by|last_modified_by|customer_metadata|"
                          r"lifecycle_rules|public_access_block|attached_managed_policy_arns|group_names)$")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _module_tables(module: str) -> list[Table]:
    return importlib.import_module(f"auditreport.lake.tables.{module}").TABLES


def test_the_modules_named_here_are_the_modules_of_the_package():
    assert sorted(m.name for m in pkgutil.iter_modules(tables_pkg.__path__)) == MODULES


def test_every_table_is_declared_once_and_all_of_them_are_in_lake_TABLES():
    declared = [t.name for m in MODULES for t in _module_tables(m)]
    assert len(declared) == len(set(declared)), [n for n in declared if declared.count(n) > 1]
    assert set(declared) == set(lake.TABLES)
    assert all(lake.TABLES[t.name] is t for m in MODULES for t in _module_tables(m))


def test_declared_tables_lists_bookkeeping_first():
    assert list(lake.TABLES)[:2] == ["ingest_objects", "quarantine"]


@pytest.mark.parametrize("module", MODULES)
def test_module_declares_tables_with_a_name_and_description(module):
    tables = _module_tables(module)
    assert tables, f"lake/tables/{module}.py declares no table"
    for t in tables:
        assert isinstance(t, Table)
        assert SNAKE.match(t.name), t.name
        assert t.description.strip() and "\n" not in t.description


@pytest.mark.parametrize("module", MODULES)
def test_module_columns_are_snake_case_unique_and_of_a_known_scalar_type(module):
    for t in _module_tables(module):
        names = [c for c, _ in t.all_columns]
        assert len(names) == len(set(names)), f"{t.name}: a column twice"
        for c, typ in t.all_columns:
            assert SNAKE.match(c), f"{t.name}.{c} is not snake_case"
            assert typ in SCALAR_TYPES, f"{t.name}.{c} is {typ}: nested documents are JSON, never STRUCT/MAP/LIST"


@pytest.mark.parametrize("module", MODULES)
def test_module_nested_documents_are_json(module):
    for t in _module_tables(module):
        for c, typ in t.columns:
            if NESTED_NAMES.match(c):
                assert typ == "JSON", f"{t.name}.{c} holds a document and must be JSON, not {typ}"


@pytest.mark.parametrize("module", MODULES)
def test_module_event_tables_are_partitioned_on_their_timestamp_time_column(module):
    for t in _module_tables(module):
        if t.time_column is not None:
            assert t.partitioned, f"{t.name} has a time column but no year/month partitions"
            assert (t.time_column, "TIMESTAMP") in t.columns, f"{t.name} lacks its time column {t.time_column}"
        if t.partitioned:
            assert t.time_column is not None, f"{t.name} is partitioned with no time column to partition on"
            assert not {"year", "month"} & {c for c, _ in t.columns}, f"{t.name} declares year/month itself"


@pytest.mark.parametrize("module", MODULES)
def test_module_tables_belong_to_a_registered_source_or_are_bookkeeping(module):
    for t in _module_tables(module):
        if t.source is None:
            assert t.name in BOOKKEEPING, f"{t.name} has no source but is not a bookkeeping table"
            assert module == "bookkeeping"
        else:
            assert t.source in SOURCES, f"{t.name}: source '{t.source}' is not in auditreport.sources.SOURCES"
            assert module == t.source, f"{t.name} (source {t.source}) is declared in lake/tables/{module}.py"


@pytest.mark.parametrize("module", MODULES)
def test_module_provenance_columns_are_not_redeclared(module):
    provenance = {c for c, _ in PROVENANCE}
    for t in _module_tables(module):
        if t.provenance:
            assert not provenance & {c for c, _ in t.columns}, f"{t.name} declares a provenance column itself"


def test_bookkeeping_tables_have_no_source():
    assert lake.BOOKKEEPING_TABLES == BOOKKEEPING
    assert all(lake.TABLES[n].source is None for n in BOOKKEEPING)


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_registered_source_fills_at_least_one_table(source):
    assert lake.tables_of(source), f"source '{source}' fills no lake table"
    assert all(lake.table(n).source == source for n in lake.tables_of(source))


def test_no_check_or_view_names_a_column_of_its_own_like_a_derived_column():
    """A derived column (computed by the views, e.g. ``source_trail``) arrives in every ``select *``: a check that
    names a column of its own the same way would read the view's instead, without an error (a collision once turned
    every cloudtrail_tampering row's resource to NULL)."""
    from pathlib import Path

    derived = {c for t in lake.TABLES.values() for c, _, _ in t.derived}
    assert derived, "no derived column: this test guards nothing"
    queries = Path(__file__).resolve().parents[2] / "queries"
    for sql in queries.rglob("*.sql"):
        text = sql.read_text()
        for name in derived:
            assert not re.search(rf"\bas\s+{name}\b", text, re.IGNORECASE), f"{sql.name} names a column {name}"
