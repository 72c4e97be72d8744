"""Exit codes as README's table documents them, each error as one line naming what is at fault.

3: usage and configuration (the argument, or the file and key); 5: the environment refused (permission denied, disk
full, read-only file system, an output folder held by another run), naming the path; 4 only for a bug. And no input
makes auditreport print a Python traceback without ``--debug``."""

from __future__ import annotations

import fcntl
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditreport.config import SAMPLE_CONFIG

from .cli_support import cli, finished_run, one_error_line, small_sample, tree_state, without_dac_override

# -- usage errors: exit 3, one line naming the argument ------------------------------------------------------------


@pytest.fixture
def a_file(tmp_path) -> Path:
    p = tmp_path / "a-file"
    p.write_text("not a folder\n")
    return p


USAGE = [
    (["run", "--out", "{file}"], r"Invalid value for '--out': Directory '{file}' is a file"),
    (["sql", "--out", "{file}", "SELECT 1"], r"Invalid value for '--out': Directory '{file}' is a file"),
    (["extract", "--out", "{file}"], r"Invalid value for '--out': Directory '{file}' is a file"),
    (["run", "--config", "{dir}"], r"Invalid value for '--config': File '{dir}' is a directory"),
    (["run", "--fail-on", "bogus"], r"Invalid value for '--fail-on': 'bogus' is not one of 'critical'"),
    (["run", "--evidence-rows", "-1"], r"Invalid value for '--evidence-rows': -1 is not in the range"),
    (["run", "--evidence-rows", "many"], r"Invalid value for '--evidence-rows': 'many' is not a valid integer"),
    (["run", "--bogus"], r"No such option '--bogus'"),
    (["sql", "--format", "xlsx", "SELECT 1"], r"Invalid value for '--format': 'xlsx' is not one of"),
    (["sql", "SELECT 1", "SELECT 2"], r"Got unexpected extra argument \(SELECT 2\)"),
    (["checks", "--format", "pdf"], r"Invalid value for '--format': 'pdf' is not one of"),
    (["nope"], r"No such command 'nope'"),
    ([], r"no command given"),
]


@pytest.mark.parametrize("args, expected", USAGE, ids=[" ".join(a) or "(none)" for a, _ in USAGE])
def test_a_usage_error_exits_3_with_one_line_naming_the_argument_and_changes_nothing(tmp_path, a_file, args,
                                                                                     expected):  # fmt: skip
    args = [a.format(file=a_file, dir=tmp_path) for a in args]
    before = tree_state(tmp_path)
    r = cli(*args, cwd=tmp_path)
    line = one_error_line(r)
    assert r.returncode == 3, r.stderr
    assert line.startswith("auditreport: error: ") and re.search(expected.format(file=a_file, dir=tmp_path), line), line
    assert tree_state(tmp_path) == before


# -- environment failures: exit 5, one line naming the path ---------------------------------------------------------


def _assert_environment_failure(r, under: Path, reason: str) -> None:
    line = one_error_line(r)
    assert r.returncode == 5, r.stderr
    m = re.fullmatch(r"auditreport: error: (.+): (.+)", line)
    assert m and Path(m.group(1)).is_relative_to(under) and reason in m.group(2), line


def test_an_output_folder_that_cannot_be_written_exits_5_naming_the_path(tmp_path):
    """--out exists but its lake/ folder is read-only (mode 555, enforced on the child even as root): the run stops
    with exit 5 and one line naming a path under lake/ and "Permission denied"; nothing in --out changes."""
    config = small_sample(tmp_path / "sources")
    out = tmp_path / "out"
    (out / "lake").mkdir(parents=True)
    (out / "lake").chmod(0o555)
    before = tree_state(out / "lake")
    try:
        r = cli("run", "--config", config, "--out", out, preexec_fn=without_dac_override())
    finally:
        (out / "lake").chmod(0o755)
    _assert_environment_failure(r, out / "lake", "Permission denied")
    assert tree_state(out / "lake") == {**before, ".": "dir:40755"}


def test_a_finished_run_whose_evidence_folder_is_read_only_exits_5_not_4(tmp_path):
    """Re-running into a finished run whose evidence/ is read-only: the report stage's write fails with one line naming
    a path under evidence/ (before: exit 4 "unexpected error: PermissionError")."""
    out = finished_run(tmp_path)
    (out / "evidence").chmod(0o555)
    before = tree_state(out / "evidence")
    try:
        r = cli("run", "--config", tmp_path / "sources" / "auditreport.toml", "--out", out,
                preexec_fn=without_dac_override())  # fmt: skip
    finally:
        (out / "evidence").chmod(0o755)
    _assert_environment_failure(r, out / "evidence", "Permission denied")
    assert tree_state(out / "evidence") == {**before, ".": "dir:40755"}


def test_an_unreadable_source_folder_exits_5_naming_it(tmp_path):
    """A CloudTrail day folder the process may not read (mode 000): one line naming that folder, exit 5 (before: 4)."""
    config = small_sample(tmp_path / "sources")
    day = next((tmp_path / "sources" / "cloudtrail").rglob("05"))
    day.chmod(0)
    try:
        r = cli("run", "--config", config, "--out", tmp_path / "out", preexec_fn=without_dac_override())
    finally:
        day.chmod(0o755)
    _assert_environment_failure(r, day, "Permission denied")


def test_an_output_folder_held_by_another_run_exits_5_naming_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".auditreport.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        r = cli("run", "--out", out)
    finally:
        os.close(fd)
    line = one_error_line(r)
    assert r.returncode == 5 and line.startswith(f"auditreport: error: {out}: another auditreport run"), line


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MiB tmpfs (a file system that really fills up), or a skip saying why there is none."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a 1 MiB tmpfs here (needs root or CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_exits_5_with_one_line_naming_the_file(tiny_disk):
    """The sample month's lake does not fit in 1 MiB: DuckDB's Parquet write (or a Python write) meets ENOSPC. The
    run exits 5 with one line naming a file on the full file system and "No space left on device" (before: exit 4
    "unexpected error: IOException")."""
    r = cli("run", "--config", SAMPLE_CONFIG, "--out", tiny_disk / "out")
    _assert_environment_failure(r, tiny_disk, "No space left on device")


def test_a_read_only_file_system_exits_5(tmp_path):
    mnt = tmp_path / "ro"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here (needs root or CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        r = cli("run", "--out", mnt / "out")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
    _assert_environment_failure(r, mnt, "Read-only file system")


def test_a_reader_that_stops_reading_is_exit_141_without_an_error(tmp_path):
    """``auditreport sql ... | head -1``: the closed pipe ends the command quietly with 141 (128 + SIGPIPE, as a shell
    reports it), not with exit 4 "unexpected error: BrokenPipeError"."""
    (tmp_path / "out" / "lake").mkdir(parents=True)  # an empty lake opens: every table an empty view
    p = subprocess.Popen([sys.executable, "-m", "auditreport.cli", "sql", "--out", str(tmp_path / "out"), "--format",
                          "csv", "SELECT range AS n FROM range(2000000)"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)  # fmt: skip
    assert p.stdout.readline() == b"n\n"
    p.stdout.close()
    stderr = p.stderr.read().decode()
    assert p.wait(60) == 141 and stderr == "", stderr


# -- no traceback, whatever the input ------------------------------------------------------------------------------


def _hostile_inputs(tmp: Path, a_file: Path) -> list[tuple[str, list]]:
    garbage = tmp / "garbage.toml"
    garbage.write_bytes(random.Random(8).randbytes(4096))
    deep_array = tmp / "deep-array.toml"
    deep_array.write_text("organisation = " + "[" * 100_000 + "]" * 100_000 + "\n")
    deep_table = tmp / "deep-table.toml"
    deep_table.write_text("organisation = " + "{a = " * 100_000 + "1" + "}" * 100_000 + "\n")
    deep_header = tmp / "deep-header.toml"
    deep_header.write_text("[" + ".".join(["policy"] * 100_000) + "]\n")
    odd_dir = tmp / "it's \"odd\"\nfolder"
    odd_dir.mkdir()
    odd_name = odd_dir / "a\nconfig's \"name\"\r.toml"
    odd_name.write_text("[policy]\nmin_log_retention_days = '365'\n")
    huge = tmp / "huge.toml"
    huge.write_text("# " + "x" * (2 << 20) + "\n")
    fifo = tmp / "fifo.toml"
    os.mkfifo(fifo)
    nul = tmp / "nul.toml"
    nul.write_bytes(b"organisation = \"a\x00b\"\n")
    bom = tmp / "bidi.toml"
    bom.write_text("organisation = \"\u202eevil\"\nperiod = \"2026-1\u0663\"\n")
    bad_lake = tmp / "bad-run"
    (bad_lake / "lake" / "iam_principals").mkdir(parents=True)
    (bad_lake / "lake" / "iam_principals" / "x.parquet").write_bytes(b"PAR1 not really")
    bad_db = tmp / "bad-db"
    (bad_db / "lake").mkdir(parents=True)
    (bad_db / "audit.duckdb").write_bytes(b"\x00" * 5000)
    out = tmp / "out"
    return [
        ("binary garbage config", ["run", "--config", garbage, "--out", out]),
        ("100,000-deep nested array", ["run", "--config", deep_array, "--out", out]),
        ("100,000-deep nested inline table", ["run", "--config", deep_table, "--out", out]),
        ("100,000-deep table header", ["run", "--config", deep_header, "--out", out]),
        ("config path with newline and quotes", ["run", "--config", odd_name, "--out", out]),
        ("missing config path with newline", ["run", "--config", odd_dir / "missing\n.toml", "--out", out]),
        ("2 MiB config", ["run", "--config", huge, "--out", out]),
        ("config is a FIFO (would block)", ["run", "--config", fifo, "--out", out]),
        ("config is a character device", ["run", "--config", "/dev/zero", "--out", out]),
        ("NUL in a config string", ["run", "--config", nul, "--out", out]),
        ("bidi override and non-ASCII digits", ["run", "--config", bom, "--out", out]),
        ("--period 2026-13", ["run", "--period", "2026-13", "--out", out]),
        ("--period 0000-01", ["run", "--period", "0000-01", "--out", out]),
        ("--period 9999-12", ["run", "--period", "9999-12", "--out", out]),
        ("--period with a newline", ["extract", "--period", "2026-10\n2026-11", "--out", out]),
        ("--evidence-rows -1", ["run", "--evidence-rows", "-1", "--out", out]),
        ("--out under a file", ["run", "--out", a_file / "sub"]),
        ("--out under a file, with a newline", ["extract", "--out", a_file / "x\ny"]),
        ("--out name too long", ["run", "--out", tmp / ("x" * 300)]),
        ("sql --out with no run", ["sql", "--out", tmp / "nothing\nhere", "SELECT 1"]),
        ("sql over a corrupt Parquet file", ["sql", "--out", bad_lake, "SELECT 1"]),
        ("sql over a corrupt audit.duckdb", ["sql", "--out", bad_db, "SELECT 1"]),
        ("sql query with a newline in a refused statement", ["sql", "--out", bad_db, "COPY\n(SELECT 1) TO 'x'"]),
    ]


def test_no_hostile_argument_or_file_prints_a_traceback(tmp_path, a_file):
    """Each case exits 2, 3 or 5 with exactly one line on stderr and no "Traceback" anywhere; none hangs."""
    failures = []
    for name, args in _hostile_inputs(tmp_path, a_file):
        r = cli(*args, cwd=tmp_path, timeout=120)
        lines = r.stderr.splitlines()
        if r.returncode not in (2, 3, 5) or len(lines) != 1 or "Traceback" in r.stdout + r.stderr:
            failures.append(f"{name}: exit {r.returncode}, stderr {r.stderr!r}")
    assert not failures, "\n".join(failures)
