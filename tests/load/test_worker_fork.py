"""load/worker_fork.py: a pool's further workers forked from its first once it has warmed up (report.pdf's render
workers), run as the pool's spawned workers do: they answer, a killed one is named, and none outlives the pool or the
parent."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from auditreport.load.worker_pool import (
    _PRESTARTED,
    WorkerFailed,
    WorkerPool,
    discard_prestarted,
    prestart,
)


def _descendants(pid: int) -> set[int]:
    """The live processes under ``pid`` (children, their children), from /proc."""
    import os

    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task") if os.path.exists(f"/proc/{parent}/task") else []:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    kids = {int(k) for k in f.read().split()}
            except OSError:
                continue
            todo += kids - found
            found |= kids
    return found


def test_a_forked_pool_s_further_workers_are_forks_of_the_first_and_all_end_when_it_closes(tmp_path, monkeypatch):
    import os

    (tmp_path / "parent_task.py").write_text("import os, time\n\n\ndef task(x):\n    time.sleep(0.01)\n"
                                             "    return os.getppid()\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    before = _descendants(os.getpid())
    pool = WorkerPool("parent_task:task", 3, fork=True)
    first, *forked = pool.procs
    assert [type(p).__name__ for p in pool.procs] == ["Popen", "ForkedWorker", "ForkedWorker"]
    assert {p.pid for p in forked} <= _descendants(first.pid)  # the first worker's children
    parents = {parent for _task, parent in pool.run(range(30))}
    assert os.getpid() in parents and first.pid in parents  # answered by the first and by at least one forked
    pool.close()
    assert [p.returncode for p in pool.procs] == [0, 0, 0]
    assert _descendants(os.getpid()) - before == set()  # no child, no grandchild, no zombie left
    assert not any(os.path.exists(f"/proc/{p.pid}") for p in pool.procs)


def test_a_forked_worker_that_dies_ends_the_run_naming_the_signal():
    pool = WorkerPool("time:sleep", 2, fork=True)
    forked = pool.procs[1]
    assert type(forked).__name__ == "ForkedWorker"
    killer = threading.Timer(1.0, lambda: __import__("os").kill(forked.pid, signal.SIGKILL))
    killer.start()
    started = time.monotonic()
    with pytest.raises(WorkerFailed, match="ended without answering .killed by signal 9"):
        list(pool.run([60, 60]))
    assert time.monotonic() - started < 30
    pool.close()
    assert forked.returncode == -signal.SIGKILL


def test_killing_the_parent_of_a_forked_pool_kills_every_worker(tmp_path):
    import os
    import subprocess
    import sys

    script = ("import sys, time\nfrom auditreport.load.worker_pool import WorkerPool\n"
              "pool = WorkerPool('time:sleep', 2, fork=True)\n"
              "print(*[p.pid for p in pool.procs], flush=True)\nlist(pool.run([600, 600]))\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2 and set(pids) <= _descendants(parent.pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{pid}") for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)


def test_a_first_worker_running_a_thread_spawns_the_others_instead_of_forking(tmp_path, monkeypatch):
    """fork() copies one thread: another thread's locks (the allocator's, the import lock) would stay held for ever."""
    import os

    (tmp_path / "threaded_task.py").write_text(
        "import os, threading, time\nSTARTED = os.getpid()\n\n\ndef warm_up():\n"
        "    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n\n\n"
        "def task(x):\n    return STARTED == os.getpid()\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    with WorkerPool("threaded_task:task", 2, fork=True) as pool:
        assert pool.procs[1].pid in _descendants(pool.procs[0].pid)
        assert {answer for _task, answer in pool.run(range(20))} == {True}  # each imported the module itself
    assert [p.returncode for p in pool.procs] == [0, 0]


def test_forked_workers_started_ahead_that_no_pool_takes_are_ended_at_once():
    import os

    before = _descendants(os.getpid())
    prestart("auditreport.pdf_worker:render", 3, fork=True)  # still importing WeasyPrint when discarded
    procs = list(_PRESTARTED["auditreport.pdf_worker:render"])
    discard_prestarted("auditreport.pdf_worker:render")
    assert [p.returncode for p in procs] == [-signal.SIGKILL] * 3 and not _PRESTARTED
    time.sleep(0.2)
    assert _descendants(os.getpid()) - before == set()
