"""Where ``[privacy]`` applies: a run's results, once, before any output is written, and ``audit.duckdb``.

- **The results** (:func:`mask_run`), right after the checks: first every personal value is learned, from the
  personal columns of every lake table (the whole lake, so a name a reason mentions is known even when its row does
  not carry it) and of every check's rows; then every check's rows (reasons and resources included) and messages,
  the quarantine rows, the sources' details, the figures and the policy are rewritten through
  :meth:`Masker.value <auditreport.privacy.Masker.value>`. Every output is written from these results (the evidence
  CSV and Parquet, findings.json and the formats built from it, report.html, report.pdf), so one person is one token
  in all of them, and the trend's fingerprints are computed over tokens.
- **``audit.duckdb``** (:func:`write_masked_lake`): each lake table is a table there, its text columns rewritten the
  same way (not a view over the lake's Parquet: a view cannot compute a keyed token without the key), and the shared
  views are created over those tables. ``auditreport sql`` then reads audit.duckdb only, never the lake folder.
- **The lake and raw evidence are not changed**: they are the evidence the manifest hashes, the checks need the real
  values (an approver's role, a policy's patterns), and the next run's incremental load compares them. Whoever may
  read the output folder's ``lake/`` and ``raw/`` sees real values; share the report files, not the folder.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pyarrow as pa
import pyarrow.compute as pc

from .lake import TABLES
from .lake.connection import sql_string, view_sql
from .privacy import WORD, Masker

BATCH_ROWS = 50_000
# RE2 prefilters (no lookaround): a value that matches none of them holds nothing to replace
_PATTERN_FILTERS = {"email": r"@", "ipv4": r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",
                    "access_key_id": r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"}  # fmt: skip


def learn_from_lake(con, masker: Masker) -> None:
    """Learn the personal values of every personal column of every lake table on ``con`` (views of the lake)."""
    for name, table in TABLES.items():
        for column, typ in table.all_columns:
            # a snapshot table's documents are walked for personal keys (an MLflow version's approval tags); an
            # event table's, which may hold millions of rows, are read only in its personal columns
            if column not in masker.columns and (typ.upper() != "JSON" or table.partitioned):
                continue
            sql = f'SELECT DISTINCT "{column}" FROM "{name}" WHERE "{column}" IS NOT NULL'
            for (value,) in con.execute(sql).fetchall():
                if typ.upper() == "JSON" and isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except ValueError:
                        pass
                masker.learn(column, value)


def mask_run(result, masker: Masker, con) -> None:
    """Rewrite ``result`` (a RunResult after its checks) through ``masker``; see the module's docstring."""
    learn_from_lake(con, masker)
    for cr in result.checks:
        for row in cr.rows:
            for column, value in row.items():
                masker.learn(column, value)
    for cr in result.checks:
        cr.rows = [masker.row(r) for r in cr.rows]
        cr.message = masker.text(cr.message) if cr.message else cr.message
    result.quarantine = [masker.row(q) for q in result.quarantine]
    for s in result.sources:
        s.detail, s.location = masker.text(s.detail), masker.text(s.location)
    result.figures = masker.value("", result.figures)
    result.policy = masker.value("", result.policy)
    result.masker = masker


def mask_trend(trend, masker: Masker) -> None:
    """The earlier runs' findings the trend lists carry their resources as those runs wrote them."""
    for kind in ("new", "resolved", "persisting", "not_reverified"):
        setattr(trend, kind, [dataclasses.replace(f, resource=masker.text(f.resource)) for f in getattr(trend, kind)])


def _prefilter(masker: Masker) -> str:
    """The RE2 pattern of what :meth:`Masker.text` replaces besides the learned one-word values: the configured
    patterns and the learned values of several words (few)."""
    parts = [re.escape(a) for a in sorted(masker.learned()) if len(a) >= 3 and not WORD.fullmatch(a)]
    parts += [_PATTERN_FILTERS[p] for p in masker.settings.patterns]
    return "(?i)(?:" + ("|".join(parts) or "$^") + ")"


def _to_rewrite(con, raw: str, columns: list[tuple[str, str]], masker: Masker, prefilter: str) -> dict[str, list]:
    """Per text column of ``raw``, the distinct values :meth:`Masker.value` may change: in a personal column all;
    elsewhere those holding a learned value as a word (a hash join of their words with ``__privacy_words``, so the
    cost does not grow with the number of people) or a match of ``prefilter``. One query per table: its text
    columns unpivoted into (column, value) pairs (lists as their elements joined)."""
    if not columns:
        return {}
    as_text = ", ".join(f'{"array_to_string" if t.endswith("[]") else "CAST"}("{c}"'
                        f'{", chr(31))" if t.endswith("[]") else " AS VARCHAR)"} AS "{c}"' for c, t in columns)
    names = ", ".join(f'"{c}"' for c, _ in columns)
    personal = [c for c, _ in columns if c in masker.columns] or [""]
    rows = con.execute(f"""
        WITH vals AS (SELECT DISTINCT col, v FROM (UNPIVOT (SELECT {as_text} FROM "{raw}") ON {names}
                                                    INTO NAME col VALUE v)),
             words AS (SELECT col, v, unnest(regexp_extract_all(lower(v), $word)) AS w FROM vals)
        SELECT DISTINCT col, v FROM words JOIN __privacy_words p ON p.word = rtrim(w, '.')
        UNION SELECT col, v FROM vals WHERE regexp_matches(v, $prefilter) OR list_contains($personal, col)
        """, {"word": WORD.pattern, "prefilter": prefilter, "personal": personal}).fetchall()  # fmt: skip
    out: dict[str, list] = {}
    for col, v in rows:
        out.setdefault(col, []).append(v)
    return out


def _mapping(values: list, column: str, is_list: bool, masker: Masker) -> pa.Table | None:
    pairs = [(v, masker.value(column, v)) for v in values]
    pairs = [(a, b) for a, b in pairs if a != b]
    if not pairs:
        return None
    kind = pa.list_(pa.string()) if is_list else pa.string()
    return pa.table({"raw": pa.array([a for a, _ in pairs], kind), "masked": pa.array([b for _, b in pairs], kind)})


def write_masked_lake(con, lake_root, masker: Masker) -> None:
    """Each lake table as a table on ``con`` (audit.duckdb), every text value through ``masker``."""
    prefilter = _prefilter(masker)
    words = sorted({a.lower() for a in masker.learned() if len(a) >= 3 and WORD.fullmatch(a)})
    con.register("__privacy_words", pa.table({"word": pa.array(words, pa.string())}))
    for name, table in TABLES.items():
        raw = f"__lake_{name}"
        con.execute(view_sql(lake_root, name, view_name=raw))
        columns = [(c, t) for c, t in con.execute(f'SELECT column_name, column_type FROM (DESCRIBE "{raw}")').fetchall()
                   if t in ("VARCHAR", "JSON", "VARCHAR[]")]  # fmt: skip
        rewrites = _to_rewrite(con, raw, columns, masker, prefilter)
        replaced, joins, mapped = [], [], []
        for i, (column, typ) in enumerate(columns):
            is_list = typ.endswith("[]")
            values = rewrites.get(column, [])
            if is_list and values:  # the rows' lists whose joined text matched
                values = [v for (v,) in con.execute(
                    f'SELECT DISTINCT "{column}" FROM "{raw}" WHERE array_to_string("{column}", chr(31)) IN '
                    f'(SELECT unnest($values))', {"values": values}).fetchall()]  # fmt: skip
            mapping = _mapping(values, column, is_list, masker)
            if mapping is None:
                continue
            con.register(f"__map_{i}", mapping)
            mapped.append(f"__map_{i}")
            key = f'r."{column}"' if is_list else f'CAST(r."{column}" AS VARCHAR)'
            replaced.append(f'CAST(coalesce(m{i}.masked, {key}) AS {typ}) AS "{column}"')
            joins.append(f"LEFT JOIN __map_{i} m{i} ON m{i}.raw = {key}")
        select = f"SELECT r.* REPLACE ({', '.join(replaced)})" if replaced else "SELECT r.*"
        con.execute(f'CREATE TABLE "{name}" AS {select} FROM "{raw}" r {" ".join(joins)}')
        for view in mapped:
            con.unregister(view)
        con.execute(f'DROP VIEW "{raw}"')
        comment = sql_string(table.description + " (personal data masked: [privacy])")
        con.execute(f'COMMENT ON TABLE "{name}" IS {comment}')
    con.unregister("__privacy_words")
    settings = masker.describe()
    con.execute("CREATE TABLE privacy (mode VARCHAR, columns VARCHAR[], patterns VARCHAR[], not_personal VARCHAR[], "
                "key_id VARCHAR)")
    con.execute("INSERT INTO privacy VALUES (?, ?, ?, ?, ?)",
                [settings["mode"], settings["columns"], settings["patterns"], settings["not_personal"],
                 settings["key_id"]])  # fmt: skip
    con.execute("COMMENT ON TABLE privacy IS 'How personal data is shown in this database and the report: the lake "
                "tables here are copies with personal values masked or pseudonymised'")
