"""load/worker_pool.py: real worker processes run tasks, hand back results and errors, and a dead worker is named."""

from __future__ import annotations

import errno
import threading
import time

import pytest

from auditreport.load.worker_pool import WorkerFailed, WorkerPool


def test_every_task_comes_back_once_with_its_result():
    with WorkerPool("math:sqrt", 2) as pool:
        got = dict(pool.run(float(i * i) for i in range(50)))
    assert got == {float(i * i): float(i) for i in range(50)}


def test_a_task_that_raises_is_raised_in_the_parent_in_one_line():
    with WorkerPool("math:sqrt", 2) as pool, pytest.raises(WorkerFailed, match=r"^ValueError: math domain error$"):
        list(pool.run([4.0, -1.0]))


def test_an_oserror_stays_an_oserror_with_its_errno_and_path(tmp_path):
    missing = str(tmp_path / "missing" / "file")
    with WorkerPool("os:stat", 1) as pool, pytest.raises(OSError) as e:
        list(pool.run([missing]))
    assert (e.value.errno, e.value.filename) == (errno.ENOENT, missing)


def test_a_worker_that_dies_ends_the_run_naming_the_signal():
    pool = WorkerPool("time:sleep", 1)
    killer = threading.Timer(1.0, pool.procs[0].kill)
    killer.start()
    started = time.monotonic()
    with pytest.raises(WorkerFailed, match="ended without answering .killed by signal 9"):
        list(pool.run([60]))
    assert time.monotonic() - started < 30
    pool.close()


def test_workers_end_when_the_pool_closes():
    pool = WorkerPool("math:sqrt", 2)
    assert list(pool.run([1.0])) == [(1.0, 1.0)]
    pool.close()
    assert all(p.returncode == 0 for p in pool.procs)


def test_an_error_while_making_the_tasks_is_raised_in_the_caller():
    def tasks():
        yield 4.0
        raise PermissionError(13, "Permission denied", "/trail/AWSLogs")

    with WorkerPool("math:sqrt", 2) as pool, pytest.raises(PermissionError):
        list(pool.run(tasks()))
