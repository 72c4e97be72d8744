"""load/worker_pool.py: real worker processes run tasks, hand back results and errors, and a dead worker is named;
workers started ahead are taken by the next pool, or ended."""

from __future__ import annotations

import errno
import signal
import threading
import time

import pytest

from auditreport.load.worker_pool import (
    _PRESTARTED,
    CLOUDTRAIL_CHUNK_TASK,
    WorkerFailed,
    WorkerPool,
    discard_prestarted,
    prestart,
    prestart_cloudtrail_workers,
)


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


def test_workers_started_ahead_are_the_ones_the_next_pool_of_their_function_takes():
    prestart("math:sqrt", 2)
    ahead = [p.pid for p in _PRESTARTED["math:sqrt"]]
    with WorkerPool("math:sqrt", 2) as pool:
        assert [p.pid for p in pool.procs] == ahead and "math:sqrt" not in _PRESTARTED
        assert dict(pool.run([9.0, 16.0])) == {9.0: 3.0, 16.0: 4.0}
    with WorkerPool("math:sqrt", 1) as pool:  # none left ahead: a new one
        assert pool.procs[0].pid not in ahead


def test_a_pool_takes_only_the_live_workers_started_ahead_and_ends_any_it_does_not_need():
    prestart("math:sqrt", 3)
    dead, spare = _PRESTARTED["math:sqrt"][0], _PRESTARTED["math:sqrt"][2]
    dead.kill()
    dead.wait()
    with WorkerPool("math:sqrt", 1) as pool:
        assert dead not in pool.procs and spare not in pool.procs
        assert list(pool.run([4.0])) == [(4.0, 2.0)]
    assert spare.returncode is not None  # ended (it never had a task), not left waiting for tasks


def test_workers_started_ahead_that_no_pool_takes_are_ended_at_once_even_while_importing():
    prestart("auditreport.load.cloudtrail_chunk:load_chunk", 2)  # pyarrow, numpy: still importing when discarded
    procs = list(_PRESTARTED["auditreport.load.cloudtrail_chunk:load_chunk"])
    discard_prestarted("auditreport.load.cloudtrail_chunk:load_chunk")
    # killed, not asked to end: the caller does not wait for their imports to finish before they read their stdin
    assert [p.returncode for p in procs] == [-signal.SIGKILL] * 2 and not _PRESTARTED


def test_the_cloudtrail_loaders_workers_are_started_ahead_only_when_a_run_will_load_cloudtrail(monkeypatch):
    from auditreport.config import load_config

    monkeypatch.setenv("AUDITREPORT_LOAD_WORKERS", "2")
    sample = load_config(None)  # the bundled sample: CloudTrail from files
    try:
        prestart_cloudtrail_workers(sample, fetch=False)  # run --no-extract: nothing to parse
        assert CLOUDTRAIL_CHUNK_TASK not in _PRESTARTED
        monkeypatch.setenv("AUDITREPORT_LOAD_WORKERS", "1")  # all in this process
        prestart_cloudtrail_workers(sample)
        assert CLOUDTRAIL_CHUNK_TASK not in _PRESTARTED
        monkeypatch.setenv("AUDITREPORT_LOAD_WORKERS", "3")
        prestart_cloudtrail_workers(sample)  # one core for the run's own start-up, the others for workers
        assert len(_PRESTARTED[CLOUDTRAIL_CHUNK_TASK]) == 2
    finally:
        discard_prestarted(CLOUDTRAIL_CHUNK_TASK)


def _environment(pool: WorkerPool) -> dict[str, str]:
    with open(f"/proc/{pool.procs[0].pid}/environ", "rb") as f:
        return dict(item.decode().partition("=")[::2] for item in f.read().split(b"\0") if item)


def test_a_loader_worker_keeps_its_memory_for_the_next_chunk_unless_the_user_says_otherwise(monkeypatch):
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "4096")  # the user's own setting wins
    with WorkerPool(CLOUDTRAIL_CHUNK_TASK, 1) as pool:
        env = _environment(pool)
    assert (env["MALLOC_MMAP_THRESHOLD_"], env["MALLOC_TRIM_THRESHOLD_"]) == (str(1 << 30), "4096")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    with WorkerPool("os:getenv", 1) as pool:  # another task's workers keep glibc's defaults
        env = _environment(pool)
    assert "MALLOC_MMAP_THRESHOLD_" not in env and "MALLOC_TRIM_THRESHOLD_" not in env


def test_a_task_module_s_warm_up_runs_when_its_worker_starts(tmp_path, monkeypatch):
    """report.pdf's render workers load their fonts this way, before the pool hands them a part."""
    import os

    (tmp_path / "warm_task.py").write_text("import os\nWARMED = []\n\n\ndef warm_up():\n    WARMED.append(os.getpid())"
                                           "\n\n\ndef task(x):\n    return WARMED == [os.getpid()], x\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    with WorkerPool("warm_task:task", 1) as pool:
        assert list(pool.run([7])) == [(7, (True, 7))]


def test_a_task_that_prints_to_stdout_leaves_the_workers_channel_in_step():
    """A task's library printing to stdout (here print() of 100 kB, flushed through fd 1 at once) must not reach the
    pipe the parent reads answers from: the parent would read the text as a message's length and wait for ever."""
    with WorkerPool("builtins:print", 2) as pool:
        results = [result for _task, result in pool.run(["x" * 100_000, "y" * 100_000, "z"])]
    assert results == [None, None, None]


def test_a_length_no_worker_sent_is_an_error_not_a_wait_for_ever():
    import io

    from auditreport.load.worker_pool import _receive

    with pytest.raises(ValueError, match="out of step"):
        _receive(io.BytesIO(b"xxxxxxxx" + b"more text than any message"))
