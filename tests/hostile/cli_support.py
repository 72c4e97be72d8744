"""The command line run as a scheduler runs it (a real process), a small real run to aim at, and the means to hold a
folder to "not one byte changed"."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from auditreport.config import SAMPLE_CONFIG

SAMPLE = SAMPLE_CONFIG.parent
# One day of one account and region: enough CloudTrail for every lake table the sample fills, in seconds.
CLOUDTRAIL_DAY = Path("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/05")


def cli(*args, cwd=None, env=None, input=None, preexec_fn=None, timeout=300, text=True) -> subprocess.CompletedProcess:
    """``python -m auditreport.cli ARGS`` in its own process, as text (``text=False``: bytes, no newline
    translation)."""
    return subprocess.run([sys.executable, "-m", "auditreport.cli", *map(str, args)], capture_output=True, text=text,
                          cwd=cwd, env=env, input=input, preexec_fn=preexec_fn, timeout=timeout)  # fmt: skip


def small_sample(root: Path) -> Path:
    """A copy of the sample month cut to one CloudTrail day (every other source whole); returns its config file."""
    day = root / "cloudtrail" / CLOUDTRAIL_DAY
    shutil.copytree(SAMPLE / "cloudtrail" / CLOUDTRAIL_DAY, day)
    shutil.copytree(SAMPLE / "aws", root / "aws")
    shutil.copytree(SAMPLE / "mlflow", root / "mlflow")
    config = root / "auditreport.toml"
    config.write_text(SAMPLE_CONFIG.read_text())  # relative paths: cloudtrail, aws, mlflow beside it
    return config


def finished_run(root: Path) -> Path:
    """``auditreport run`` over :func:`small_sample`: a real output folder with a lake, audit.duckdb and reports.
    The run is incomplete (a month with one day of CloudTrail has gaps and missing digests), which is fine here."""
    config = small_sample(root / "sources")
    out = root / "out"
    r = cli("run", "--config", config, "--out", out)
    assert r.returncode in (0, 1, 2), r.stderr
    assert (out / "audit.duckdb").is_file() and (out / "lake" / "cloudtrail_events").is_dir(), r.stderr
    return out


def tree_state(root: Path) -> dict[str, str]:
    """Every entry below ``root`` (``root`` included) -> what it is: a file's SHA-256 and mode, a directory's mode, a
    symlink's target. Two equal states mean nothing was added, removed, renamed, rewritten or re-permissioned."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [".", *dirnames, *filenames]:
            p = Path(dirpath) / name if name != "." else Path(dirpath)
            key = str(p.relative_to(root))
            st = p.lstat()
            if p.is_symlink():
                state[key] = "link:" + os.readlink(p)
            elif p.is_dir():
                state[key] = f"dir:{st.st_mode:o}"
            else:
                state[key] = f"file:{st.st_mode:o}:{hashlib.sha256(p.read_bytes()).hexdigest()}"
    return state


def without_dac_override():
    """For ``preexec_fn``: when running as root, drop the capabilities that let root ignore file permissions
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from the child's bounding set, so that a folder's mode is
    enforced on the child as on any user. Returns None when not root (permissions already apply)."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop():
        for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def one_error_line(r: subprocess.CompletedProcess) -> str:
    """The single line of stderr; fails the test if there is not exactly one, or a traceback anywhere."""
    lines = r.stderr.splitlines()
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{r.stderr}"
    return lines[0]
