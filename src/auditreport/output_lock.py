"""One run at a time per output folder.

Two runs on the same ``--out`` (a daily ``extract`` overlapping the monthly ``run``) would load every object twice,
and one run's recovery of a killed batch would delete the other's uncommitted files. A run therefore holds an
exclusive lock on ``OUT/.auditreport.lock`` (``flock``: released by the kernel when the process ends, however it
ends, so a killed run never leaves a stale lock). A second run fails at once with one line naming the folder and the
run that holds it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .errors import EnvironmentFailure

LOCK_FILE = ".auditreport.lock"


def prepare_output(out_dir: Path) -> Path:
    """Create the output folder, or say in one line why it cannot be used."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise EnvironmentFailure(out_dir, "the output folder is a file")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise EnvironmentFailure(e.filename or out_dir, f"cannot create the output folder: {e.strerror}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise EnvironmentFailure(out_dir, "the output folder is not writable")
    return out_dir


@contextmanager
def output_lock(out_dir: Path, run_id: str) -> Iterator[None]:
    """Hold ``OUT/.auditreport.lock`` for the block; EnvironmentFailure when another run holds it."""
    path = prepare_output(out_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise EnvironmentFailure(path, f"cannot open the lock file: {e.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise EnvironmentFailure(path, f"cannot lock the output folder: {e.strerror}") from None
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise EnvironmentFailure(out_dir, f"another auditreport run is using this output folder ({holder}); "
                                              "wait for it to end, or use another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"run {run_id}, pid {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
                      .encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
