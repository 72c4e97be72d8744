"""The command line as a scheduler and a person meet it: exit codes, one-line errors, listing, ad-hoc SQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditreport.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


def write_config(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "auditreport.toml"
    p.write_text(body)
    return p


def test_checks_lists_the_catalogue():
    r = cli("checks", "--format", "json")
    assert r.returncode == 0, r.stderr
    ids = {c["id"] for c in json.loads(r.stdout)}
    on_disk = {p.stem for p in (REPO / "queries").glob("*/*.sql") if p.parent.name != "_views"}
    assert ids == on_disk and len(ids) >= 12


@pytest.mark.parametrize(
    "body, expected",
    [
        ("[policy]\nmin_log_retention_days = 'a year'\n", r"auditreport\.toml: policy\.min_log_retention_days: "),
        ("[sources.cloudtrail]\nkind = 'rest'\ntracking_uri = 'x'\n", r"auditreport\.toml: sources: source 'cloudtrail' cannot be kind 'rest'"),
        ("[sources.mlflow]\nkind = 'files'\n", r"auditreport\.toml: sources\.mlflow\.path: Field required"),
        ("[polcy]\n", r"auditreport\.toml: polcy: Extra inputs are not permitted"),
        ("period = '2026-13'\n", r"auditreport\.toml: period: period '2026-13' is not a month"),
        ("organisation = \n", r"auditreport\.toml: not valid TOML"),
    ],
)
def test_a_wrong_config_value_is_one_line_naming_file_and_key(tmp_path, body, expected):
    r = cli("run", "--config", write_config(tmp_path, body), "--out", tmp_path / "out")
    assert r.returncode == 3
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(expected, lines[0]), r.stderr
    assert "Traceback" not in r.stderr


def test_missing_config_file_and_bad_period_are_usage_errors(tmp_path):
    r = cli("run", "--config", tmp_path / "nope.toml", "--out", tmp_path / "out")
    assert r.returncode == 3 and "nope.toml: configuration file not found" in r.stderr
    r = cli("run", "--period", "October", "--out", tmp_path / "out")
    assert r.returncode == 3 and "period 'October' is not a month" in r.stderr


def test_unreachable_sources_give_an_incomplete_report_and_exit_2(tmp_path):
    cfg = write_config(
        tmp_path,
        "organisation = 'Nowhere'\nperiod = '2026-10'\n"
        "[sources.cloudtrail]\nkind = 'files'\npath = 'missing-trail'\n"
        "[sources.mlflow]\nkind = 'rest'\ntracking_uri = 'http://127.0.0.1:9'\ntimeout_seconds = 2\n",
    )
    out = tmp_path / "out"
    r = cli("run", "--config", cfg, "--out", out)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    findings = json.loads((out / "findings.json").read_text())
    assert findings["complete"] is False
    statuses = {c["id"]: c["status"] for c in findings["checks"]}
    # nothing could be verified, so nothing passes
    assert set(statuses.values()) == {"no_data"}
    assert any("missing-trail: directory not found" in reason for reason in findings["incomplete_reasons"])
    assert any("mlflow" in reason and "127.0.0.1:9" in reason for reason in findings["incomplete_reasons"])
    assert (out / "report.pdf").stat().st_size > 0 and (out / "report.html").stat().st_size > 0


def test_debug_shows_the_traceback_otherwise_one_line(tmp_path):
    cfg = write_config(tmp_path, "[policy]\nmin_log_retention_days = -1\n")
    quiet = cli("run", "--config", cfg, "--out", tmp_path / "o")
    loud = cli("run", "--config", cfg, "--out", tmp_path / "o", "--debug")
    assert quiet.returncode == loud.returncode == 3
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr


def test_every_command_is_documented_in_the_readme():
    from auditreport.cli import main

    readme = (REPO / "README.md").read_text()
    for name in main.commands:
        assert f"auditreport {name}" in readme, f"'auditreport {name}' is not documented in README.md"


def test_every_lake_table_is_documented_in_the_readme():
    from auditreport.lake import TABLES

    readme = (REPO / "README.md").read_text()
    for name in TABLES:
        assert f"`{name}`" in readme, f"lake table {name} is not documented in README.md"


def test_extract_alone_is_incremental_and_writes_no_report(tmp_path):
    out = tmp_path / "out"
    first = cli("extract", "--out", out)
    assert first.returncode == 0, first.stderr
    assert not (out / "report.pdf").exists() and (out / "lake" / "cloudtrail_events").is_dir()
    manifest = json.loads((out / "extract-manifest.json").read_text())
    ct = next(s for s in manifest["sources"] if s["name"] == "cloudtrail")
    assert ct["objects_loaded"] > 4000 and ct["objects_skipped"] == 0
    second = cli("extract", "--out", out)
    assert second.returncode == 0, second.stderr
    ct2 = next(s for s in json.loads((out / "extract-manifest.json").read_text())["sources"] if s["name"] == "cloudtrail")
    # every object of the period is accounted for again, none loaded twice
    assert ct2["objects_loaded"] == 0 and ct2["objects_skipped"] == ct["objects_loaded"] + ct["objects_quarantined"]
    import duckdb

    con = duckdb.connect()
    n = con.execute(f"SELECT count(*), count(DISTINCT source_key || ':' || record_index) FROM read_parquet('{out}/lake/cloudtrail_events/**/*.parquet')").fetchone()
    assert n[0] == n[1]


def test_the_readme_check_table_is_the_markdown_listing():
    r = cli("checks", "--format", "markdown")
    assert r.returncode == 0, r.stderr
    table = r.stdout.rstrip("\n")
    readme = (REPO / "README.md").read_text()
    in_readme = re.search(r"^\| check \| severity \| what it verifies \|\n(?:\|.*\|\n?)+", readme, re.MULTILINE)
    assert in_readme, "README.md has no check table"
    assert in_readme.group(0).rstrip("\n") == table, (
        "README.md's check table differs from `auditreport checks --format markdown`: paste that command's output")
    from auditreport.checks.catalogue import load_catalogue

    for c in load_catalogue():
        assert f"| `{c.domain}/{c.id}` | {c.severity} |" in table


def test_checks_table_format_lists_every_check_with_its_frameworks():
    r = cli("checks")
    assert r.returncode == 0, r.stderr
    assert re.search(r"^cloudtrail_trail_logging +critical +CloudTrail trails are logging$", r.stdout, re.MULTILINE)
    assert "soc2:CC7.2" in r.stdout


def test_checks_test_runs_the_cases_of_a_checks_dir_and_names_what_fails(tmp_path):
    example = REPO / "docs" / "examples" / "checks"
    r = cli("checks", "test", example)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS  custom/sagemaker_endpoint_naming: conforming names pass" in r.stdout
    assert r.stdout.rstrip().endswith("2 case(s) of 1 check(s): 2 passed, 0 failed")

    mine = tmp_path / "checks"
    mine.mkdir()
    sql = (example / "sagemaker_endpoint_naming.sql").read_text()
    (mine / "sagemaker_endpoint_naming.sql").write_text(sql.replace("(prod|staging|dev)", "(prod|dev)"))
    (mine / "sagemaker_endpoint_naming.yaml").write_text((example / "sagemaker_endpoint_naming.yaml").read_text())
    (mine / "broken.sql").write_text("/*---\nid: broken\ntitle: [x\n---*/\nselect 1")
    r = cli("checks", "test", mine)
    assert r.returncode == 1
    assert f"FAIL  custom/broken: (loading the check)\n      {mine / 'broken.sql'}:3: header is not valid YAML" in r.stdout
    assert "PASS  custom/sagemaker_endpoint_naming: an endpoint without an environment suffix fails" in r.stdout
    assert "FAIL  custom/sagemaker_endpoint_naming: conforming names pass" in r.stdout  # staging no longer conforms
    assert r.stdout.rstrip().endswith("3 case(s) of 2 check(s): 1 passed, 2 failed")

    r = cli("checks", "test", mine / "sagemaker_endpoint_naming.yaml")  # one check, by its case file
    assert r.returncode == 1 and "of 1 check(s)" in r.stdout and "broken" not in r.stdout


def test_checks_test_of_built_in_checks_and_checks_listed_with_a_config(tmp_path):
    r = cli("checks", "test", REPO / "queries" / "access" / "root_account_activity.sql")
    assert r.returncode == 0 and "of 1 check(s)" in r.stdout and "PASS  access/root_account_activity" in r.stdout
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "x.sql").write_text("select 1")
    config = write_config(tmp_path, 'checks_dir = "checks"\n')
    r = cli("checks", "--config", config, "--format", "json")
    assert r.returncode == 0, r.stderr
    listed = {c["id"]: c for c in json.loads(r.stdout)}
    assert listed["x"]["origin"] == "user" and listed["x"]["error"].startswith(f"{tmp_path / 'checks' / 'x.sql'}: ")
    r = cli("checks", "--config", config, "test")  # every check: the built-in ones pass, x has no header
    assert r.returncode == 1 and r.stdout.count("\nFAIL  ") + r.stdout.startswith("FAIL  ") == 1
    r = cli("checks", "test", tmp_path / "nowhere")
    assert r.returncode == 3 and "does not exist" in r.stderr


@pytest.mark.parametrize("period,message", [
    ("2026-Q5", "period '2026-Q5': a year has quarters Q1 to Q4"),
    ("2026-06..2026-01", "period '2026-06..2026-01': the range ends before it starts"),
    ("last-quarter", "period 'last-quarter' is not a month (YYYY-MM), a quarter (YYYY-Qn), a year (YYYY) or a range"),
])
def test_a_period_that_is_not_one_is_one_line_and_exit_3_before_any_work(tmp_path, period, message):
    for command in (["run", "--no-extract"], ["extract"]):
        r = cli(*command, "--period", period, "--out", tmp_path / "out")
        assert r.returncode == 3 and r.stderr.startswith(f"auditreport: error: {message}"), r.stderr
        assert r.stderr.count("\n") == 1 and not (tmp_path / "out").exists()


def test_run_help_names_the_period_forms_and_no_extract():
    r = cli("run", "--help")
    text = " ".join(r.stdout.split()).replace("- ", "-")  # click wraps the help, even inside a word
    assert r.returncode == 0 and "--no-extract" in text and "YYYY-Qn" in text and "YYYY-MM..YYYY-MM" in text


def test_the_heap_is_frozen_before_the_interpreters_last_collections():
    """The process's last garbage collections skip what the command left (gc.freeze at exit), and the command's
    output and exit code are unchanged. The check runs at exit after the CLI's own handler (last registered, first
    run)."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
        "from auditreport.cli import main\n"
        "sys.argv = ['auditreport', 'checks', '--format', 'json']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("frozen at exit: True")
    assert json.loads(proc.stdout.rstrip().removesuffix("frozen at exit: True"))  # the listing itself is intact
