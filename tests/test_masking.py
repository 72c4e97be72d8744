"""auditreport.masking on real runs of the sample month with [privacy]: no personal value of the evidence appears in
any output (every file of the output folder but the lake, PDF text included, and every table and view of
audit.duckdb), one person is one token in the PDF, HTML, CSV, Parquet, JSON and audit.duckdb, the same key gives the
same tokens (and so the same fingerprints: the trend sees nothing new) in another run, and another key other tokens.

The lake (``lake/``) keeps the evidence as recorded, by design (docs/architecture.md, Privacy)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from auditreport.checks.catalogue import load_catalogue
from auditreport.cli import main
from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.errors import ConfigError
from auditreport.lake.connection import connect, create_views
from auditreport.privacy import DEFAULT_NOT_PERSONAL, PrivacySettings, key_id
from auditreport.runner import run
from auditreport.sql_shell import open_lake, run_query

REPO = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(REPO / "tests" / "e2e"))
from findings_golden import strip_run_metadata  # noqa: E402

KEY_A = "first-privacy-key-for-the-tests"
KEY_B = "another-privacy-key-for-the-tests"
WORDS = re.compile(r"[\w.@+%-]+")
WHOLE_WORDS = re.compile(r"[\w.@+%-]++(?!…)")  # not a word the report cut short ("every" shown as "eve…")


@contextmanager
def _env(name: str, value: str):
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _run(out: Path, key: str, history: Path) -> Path:
    config = load_config(SAMPLE_CONFIG)
    config = config.model_copy(update={"privacy": PrivacySettings(key_env="AUDITREPORT_TEST_PRIVACY_KEY"),
                                       "history_dir": history, "keep_history": True})  # fmt: skip
    with _env("AUDITREPORT_TEST_PRIVACY_KEY", key):
        run(config, config.resolve_period(), out)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Key A, key A again (its history holds the first run's findings), key B (its history holds both)."""
    history = tmp_path_factory.mktemp("history")
    first = _run(tmp_path_factory.mktemp("key_a"), KEY_A, history)
    again = _run(tmp_path_factory.mktemp("key_a_again"), KEY_A, history)
    other = _run(tmp_path_factory.mktemp("key_b"), KEY_B, history)
    return {"a": first, "a_again": again, "b": other}


def token(value: str, key: str = KEY_A, kind: str = "user") -> str:
    return f"{kind}-" + hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:10]


def personal_values(lake: Path) -> set[str]:
    """The people, IP addresses and access keys of the sample month, read from the lake as recorded (not through the
    code under test): session names (not of service-linked roles, nor the service session names the configuration
    says are not people), MLflow run authors, source IPs, access key ids."""
    con = duckdb.connect()
    events = f"read_parquet('{lake}/cloudtrail_events/**/*.parquet', hive_partitioning = true)"
    rows = con.execute(f"""
        select session_name from {events} where principal_arn not like '%AWSServiceRole%'
        union select user_id from read_parquet('{lake}/mlflow_runs/**/*.parquet')
        union select source_ip_address from {events} where regexp_matches(source_ip_address, '^[0-9.]+$')
        union select access_key_id from {events}
        """).fetchall()  # fmt: skip
    return {v for (v,) in rows if v and len(v) >= 3 and not any(fnmatch(v, p) for p in DEFAULT_NOT_PERSONAL)}


def catalogue_words() -> set[str]:
    """Words of the built-in checks' own text (descriptions give examples such as ``alice as ml-engineer/alice``):
    documentation, not evidence."""
    text = " ".join(p.read_text() for p in (REPO / "queries").rglob("*.sql"))
    return {w.lower() for w in WORDS.findall(text)}


def output_texts(out: Path) -> dict[str, str]:
    """Every output file's text (the PDF's through pdftotext, Parquet and audit.duckdb through DuckDB), by name."""
    texts = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if not path.is_file() or rel.parts[0] in ("lake", ".duckdb_tmp") or path.name == ".auditreport.lock":
            continue
        if path.suffix == ".pdf":
            texts[str(rel)] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                             check=True).stdout  # fmt: skip
        elif path.suffix == ".parquet":
            texts[str(rel)] = str(duckdb.connect().execute(f"select * from read_parquet('{path}')").fetchall())
        elif path.suffix == ".duckdb":
            db = duckdb.connect(str(path), read_only=True)
            names = db.execute("select table_name from duckdb_tables() union all "
                               "select view_name from duckdb_views() where not internal").fetchall()  # fmt: skip
            for (name,) in names:
                texts[f"{rel}:{name}"] = str(db.execute(f'select * from "{name}"').fetchall())
            db.close()
        else:
            texts[str(rel)] = path.read_text(encoding="utf-8")
    return texts


def test_no_personal_value_of_the_evidence_appears_in_any_output(runs):
    out = runs["a"]
    values = {v.lower() for v in personal_values(out / "lake")} - catalogue_words()
    assert {"bob", "carol", "eve", "mallory", "frank", "203.0.113.41"} <= values  # what the sample month plants
    texts = output_texts(out)
    assert {"report.pdf", "report.html", "findings.json", "findings.sarif", "junit.xml", "findings.ocsf.json",
            "assessment-results.oscal.json", "manifest.json", "audit.duckdb:findings",
            "audit.duckdb:cloudtrail_events", "evidence/ml_role_privilege_escalation.csv",
            "evidence/ml_role_privilege_escalation.parquet"} <= set(texts)  # fmt: skip
    leaks = {name: sorted({w for w in WHOLE_WORDS.findall(text) if w.rstrip(".").lower() in values})
             for name, text in texts.items()}  # fmt: skip
    assert {name: found for name, found in leaks.items() if found} == {}


def test_one_person_is_one_token_in_every_output(runs):
    out = runs["a"]
    bob, ip = token("bob"), token("10.20.2.77", kind="ip")
    texts = output_texts(out)
    pdf = re.sub(r"\s+", "", texts["report.pdf"])  # a token may wrap in a narrow cell
    for name in ("report.html", "findings.json", "evidence/ml_role_privilege_escalation.csv",
                 "evidence/ml_role_privilege_escalation.parquet", "findings.sarif", "audit.duckdb:findings",
                 "audit.duckdb:cloudtrail_events"):  # fmt: skip
        assert bob in texts[name], name
    assert bob in pdf
    assert ip in texts["findings.json"] and ip in texts["audit.duckdb:cloudtrail_events"]
    doc = json.loads((out / "findings.json").read_text())
    rows = [r for c in doc["checks"] if c["id"] == "ml_role_privilege_escalation" for r in c["rows"]]
    by_bob = [r for r in rows if r["session_name"] == bob]
    assert by_bob and all(bob in r["reason"] and bob in r["actor_arn"] + r["principal_arn"] for r in by_bob)


def test_the_report_states_the_mode_and_fields_never_the_key(runs):
    out = runs["a"]
    doc = json.loads((out / "findings.json").read_text())
    assert doc["privacy"] == {"mode": "pseudonym", "columns": doc["privacy"]["columns"],
                              "patterns": ["email", "ipv4", "access_key_id"], "not_personal": DEFAULT_NOT_PERSONAL,
                              "key_id": key_id(KEY_A.encode())}  # fmt: skip
    assert {"session_name", "source_ip_address", "access_key_id", "approved_by"} <= set(doc["privacy"]["columns"])
    assert json.loads((out / "manifest.json").read_text())["privacy"] == doc["privacy"]
    html = (out / "report.html").read_text()
    assert "Pseudonymised" in html and key_id(KEY_A.encode()) in html
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".duckdb" and "lake" not in path.relative_to(out).parts:
            assert KEY_A.encode() not in path.read_bytes(), path


def test_the_same_key_gives_the_same_tokens_and_fingerprints_in_another_run(runs):
    first, again = (json.loads((runs[k] / "findings.json").read_text()) for k in ("a", "a_again"))
    assert strip_run_metadata(first)["checks"] == strip_run_metadata(again)["checks"]  # rows, reasons, fingerprints
    assert again["trend"]["counts"]["new"] == 0 and again["trend"]["counts"]["resolved"] == 0
    assert again["trend"]["counts"]["persisting"] == sum(c["row_counts"]["fail"] for c in first["checks"])


def test_another_key_gives_other_tokens_and_the_trend_sees_those_findings_as_new_once(runs):
    first, other = (json.loads((runs[k] / "findings.json").read_text()) for k in ("a", "b"))
    text_a, text_b = json.dumps(first["checks"]), json.dumps(other["checks"])
    assert token("bob") in text_a and token("bob") not in text_b and token("bob", KEY_B) in text_b
    named = [f for f in other["trend"]["new"] if "user-" in f["resource"]]
    assert named and other["trend"]["counts"]["resolved"] == len(other["trend"]["new"])


def test_audit_duckdb_and_the_sql_shell_show_masked_tables_and_cannot_read_the_lake(runs):
    out = runs["a"]
    db = duckdb.connect(str(out / "audit.duckdb"), read_only=True)
    assert db.execute("select mode, key_id from privacy").fetchall() == [("pseudonym", key_id(KEY_A.encode()))]
    assert db.execute("select table_type from information_schema.tables where table_name = 'cloudtrail_events'"
                      ).fetchall() == [("BASE TABLE",)]  # fmt: skip
    db.close()
    con = open_lake(out)
    try:
        sessions = {s for (s,) in con.execute("select distinct person from sagemaker_approval_events").fetchall()}
        assert token("carol") in sessions and "carol" not in sessions
        lines = []
        run_query(con, "select count(*) from cloudtrail_events where session_name = 'bob'", "csv", lines.append)
        assert lines[-1].strip() == "0"
        with pytest.raises(ConfigError):
            run_query(con, f"select * from read_parquet('{out}/lake/cloudtrail_events/**/*.parquet')", "csv",
                      lines.append)  # fmt: skip
    finally:
        con.close()


def test_masking_changes_what_is_shown_never_what_is_found(runs):
    """Every check has the status and row counts of the sample month without [privacy] (the golden findings), and
    every shared view in audit.duckdb keeps the rows it keeps over the raw lake: a masked value never stands where a
    view or a check compares with a constant (an event source, a status)."""
    golden = json.loads((REPO / "tests/data/golden/sample_month_findings.json").read_text())
    masked = json.loads((runs["a"] / "findings.json").read_text())
    assert [(c["id"], c["status"], c["row_counts"]) for c in masked["checks"]] == \
        [(c["id"], c["status"], c["row_counts"]) for c in golden["checks"]]  # fmt: skip
    raw = connect()
    create_views(raw, runs["a"] / "lake")
    load_catalogue().create_views(raw)
    db = duckdb.connect(str(runs["a"] / "audit.duckdb"), read_only=True)
    for view in load_catalogue().views:
        count = f'select count(*) from "{view}"'
        assert db.execute(count).fetchone() == raw.execute(count).fetchone(), view
    db.close()


def test_a_masked_run_verifies(runs):
    result = CliRunner().invoke(main, ["verify", str(runs["a"])])
    assert result.exit_code == 0, result.stdout + result.stderr
