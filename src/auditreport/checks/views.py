"""Shared check views: ``queries/_views/<view_id>.sql``, one derivation several checks would otherwise copy.

A view file has the same kind of YAML header as a check::

    /*---
    id: cloudtrail_events_unique          # = file stem
    description: >
      What one row is, what is kept and what dropped.
    requires: [cloudtrail_events]         # lake tables and other views it reads
    materialize: true                     # optional: computed once per run (a small result many checks read)
    ---*/
    select ... from cloudtrail_events ...

The body is one SELECT without ``$parameters`` (a view cannot take them: period filters stay in the checks). Views
are created on a connection after the lake views, every view after the views it reads
(:meth:`Catalogue.create_views <auditreport.checks.catalogue.Catalogue.create_views>`). A check names the views it
reads in ``requires:`` like lake tables; its ``lake_tables`` resolve them, which is what ``no_data`` tests.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from .. import lake
from .headers import fail, parsed_parameters, read_sql_file
from .model import View

VIEWS_DIR = "_views"


class ViewHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: StrictStr = Field(min_length=1)
    requires: list[StrictStr] = Field(min_length=1)
    materialize: StrictBool = False


def parse_view(path: Path) -> View:
    """Read one view file; its ``requires`` are checked against the other views by :func:`order_views`."""
    path = Path(path)
    h, sql, body = read_sql_file(path, ViewHeader, "view")
    if h.id != path.stem:
        fail(path, f"id '{h.id}' differs from the file name '{path.stem}'")
    if h.id in lake.TABLES:
        fail(path, f"view id '{h.id}' is the name of a lake table")
    if len(set(h.requires)) != len(h.requires):
        fail(path, "requires lists a name twice")
    used = parsed_parameters(path, sql)
    if used:
        fail(path, f"a view cannot take parameters, but its SQL uses {', '.join('$' + p for p in sorted(used))}")
    return View(id=h.id, description=" ".join(h.description.split()), requires=list(h.requires), sql=sql, body=body,
                path=path, lake_tables=[], materialize=h.materialize)


def order_views(views: list[View]) -> dict[str, View]:
    """View id -> view, every view after the views it reads, each with its ``lake_tables`` resolved.

    Fails, naming the file, on a duplicate id, a name in ``requires`` that is neither a lake table nor a view, or a
    cycle."""
    by_id: dict[str, View] = {}
    for v in sorted(views, key=lambda v: v.id):
        if v.id in by_id:
            fail(v.path, f"view id '{v.id}' is already defined by {by_id[v.id].path}")
        by_id[v.id] = v
    for v in by_id.values():
        for name in v.requires:
            if name not in lake.TABLES and name not in by_id:
                fail(v.path, f"requires unknown lake table or view '{name}'")

    ordered: dict[str, View] = {}
    visiting: list[str] = []

    def visit(v: View) -> None:
        if v.id in ordered:
            return
        if v.id in visiting:
            cycle = visiting[visiting.index(v.id):] + [v.id]
            fail(v.path, f"views require one another in a cycle: {' -> '.join(cycle)}")
        visiting.append(v.id)
        for name in v.requires:
            if name in by_id:
                visit(by_id[name])
        visiting.pop()
        tables = lake_tables_of(v.requires, ordered)
        ordered[v.id] = replace(v, lake_tables=tables)

    for v in by_id.values():
        visit(v)
    return ordered


def lake_tables_of(names: list[str], views: dict[str, View]) -> list[str]:
    """``names`` with every view replaced by the lake tables it reads, in order, each table once."""
    out: list[str] = []
    for name in names:
        out += views[name].lake_tables if name in views else [name]
    return list(dict.fromkeys(out))


def load_views(queries_dir: Path) -> dict[str, View]:
    """Every view in ``queries_dir/_views``, in creation order (none when the folder is absent)."""
    folder = Path(queries_dir) / VIEWS_DIR
    return order_views([parse_view(p) for p in sorted(folder.glob("*.sql"))]) if folder.is_dir() else {}


def create_views(con, views: dict[str, View], materialize: bool = False) -> None:
    """Create (or replace) every view on ``con``, where the lake tables or lake views already exist. With
    ``materialize`` (the run, whose lake no longer changes), views marked ``materialize: true`` are computed once
    into tables of the run's in-memory database (not temporary ones: the checks read them from cursors of their
    own), and one that holds no rows becomes an empty view of the same columns (:func:`_empty_as_view`);
    elsewhere (``audit.duckdb``, ``auditreport sql``) every view stays a view."""
    for v in views.values():
        table = materialize and v.materialize
        if table and _is_view(con, v.id):  # an empty one an earlier call left
            con.execute(f'DROP VIEW "{v.id}"')
        con.execute(v.create_sql(materialize))
        if table and con.execute(f'SELECT 1 FROM "{v.id}" LIMIT 1').fetchone() is None:
            _empty_as_view(con, v.id)


def _is_view(con, name: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND schema_name = 'main' "
                       "AND database_name = current_database()", [name]).fetchone()[0] > 0  # fmt: skip


def _empty_as_view(con, name: str) -> None:
    """Replace the empty table ``name`` by a view of the same columns and types that DuckDB's planner knows to be
    empty (``WHERE false``): a check's join against it is then dropped before it runs, and with it the columns
    only that join read. The duplicate CloudTrail records (``cloudtrail_event_copies``) are usually none, and
    ``cloudtrail_events_unique`` anti-joins them: without this every check reading it would read each event's
    ``event_id`` to probe an empty table (the catalogue over 2,000,000 events: about 0.5 s of CPU)."""
    columns = con.execute(f'DESCRIBE "{name}"').fetchall()
    select = ", ".join(f'CAST(NULL AS {typ}) AS "{col.replace(chr(34), chr(34) * 2)}"' for col, typ, *_ in columns)
    con.execute(f'DROP TABLE "{name}"')
    con.execute(f'CREATE VIEW "{name}" AS SELECT {select} WHERE false')
