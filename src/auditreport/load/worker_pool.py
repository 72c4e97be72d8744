"""Worker processes for CPU-bound loading: ``python -m auditreport.load.worker_pool``, one per core, each taking one
task at a time over its stdin and answering on its stdout (length-prefixed pickles).

Why not :mod:`multiprocessing`: its ``spawn`` start re-runs the caller's main module in every worker (the whole
CLI, or a user's script that has no ``if __name__ == "__main__"`` guard), and ``fork`` copies a process that holds
DuckDB's threads. A worker here imports only what a task needs, ends when its stdin closes or its parent dies,
and reports a failure in one line (its traceback never reaches the user's terminal).
"""

from __future__ import annotations

import atexit
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import AuditReportError
from .worker_fork import (
    SIBLINGS_ENV,
    ForkedWorker,
    die_with_parent,
    end_siblings,
    sibling_pipes,
    start_siblings,
)

_LEN = struct.Struct("<Q")
_MAX_MESSAGE = 1 << 36  # 64 GiB: a length past it is not one _send wrote (the stream is out of step), never a message


class WorkerFailed(AuditReportError):
    """A worker process ended without answering (killed, out of memory) or its task raised."""


class WorkerDied(WorkerFailed):
    """A worker process ended without answering: killed, out of memory (the machine's doing, not the task's)."""


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)) + data)
    stream.flush()


def _receive(stream):
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        raise EOFError
    (n,) = _LEN.unpack(head)
    if n > _MAX_MESSAGE:  # reading n bytes would wait for ever: say so instead
        raise ValueError(f"the worker protocol is out of step (a message of {n} bytes announced)")
    data = stream.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)


def load_workers() -> int:
    """Worker processes for the fast reader: one per core this process may use (``AUDITREPORT_LOAD_WORKERS`` sets
    another number; 1 keeps all work in this process)."""
    env = os.environ.get("AUDITREPORT_LOAD_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# A CloudTrail loader worker's memory is kept for its next chunk, not handed back to the kernel and faulted in again
# page by page (the other tasks, report.pdf's renderers, keep glibc's defaults): a chunk allocates the same large
# buffers every time (each object's text, ~40 MB of joined nested documents), which glibc otherwise maps and unmaps
# (allocations above its 32 MiB mmap ceiling, and the heap's top trimmed past 128 KiB): ~12,000 page faults a bulk chunk, a tenth of a worker's CPU. The peak is what a chunk needs either way
# (bounded by the chunk's size); it is reached, then reused. Arrow's own pool (mimalloc) is left as it is: keeping
# its pages too (MIMALLOC_PURGE_DELAY=-1) saved a few more faults but raised the bulk workload's peak by 146 MiB.
WORKER_MEMORY_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}  # glibc's
CLOUDTRAIL_CHUNK_TASK = "auditreport.load.cloudtrail_chunk:load_chunk"  # the CloudTrail loader's task (.cloudtrail)
_TASK_ENV = {CLOUDTRAIL_CHUNK_TASK: WORKER_MEMORY_ENV}  # task -> what its workers' environment adds


def _spawn(fn: str, pass_fds: tuple[int, ...] = (), siblings: str = "") -> subprocess.Popen:
    """One worker process for ``fn``; it imports ``fn``'s module at once, then waits for tasks (``siblings``: the
    workers it forks then, :mod:`.worker_fork`)."""
    # no BLAS thread per core (workers are the parallelism), the task's own settings; the user's own win
    env = {"OPENBLAS_NUM_THREADS": "1", **_TASK_ENV.get(fn, {}), **os.environ}
    env.pop(SIBLINGS_ENV, None)  # only the pipes made here for this worker
    if siblings:
        env[SIBLINGS_ENV] = siblings
    return subprocess.Popen(
        [sys.executable, "-m", __name__, fn], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, close_fds=True, pass_fds=pass_fds, env=env,
    )  # fmt: skip


def _start(fn: str, workers: int, fork: bool) -> list[subprocess.Popen | ForkedWorker]:
    """``workers`` worker processes for ``fn``: each spawned, or (``fork``) the first spawned and the others forked
    from it once it has imported ``fn``'s module and warmed up (:mod:`.worker_fork`)."""
    if not fork or workers < 2:
        return [_spawn(fn) for _ in range(workers)]
    forked, passed, named = sibling_pipes(workers - 1)
    try:
        first = _spawn(fn, tuple(passed), named)
    except BaseException:
        for handle in forked:
            handle.kill()
            handle.stdout.close()
        raise
    finally:
        for fd in passed:  # the first worker's now (the forked ones' pipes' ends it writes and reads)
            os.close(fd)
    return [first, *forked]


def _end(proc: subprocess.Popen) -> None:
    """Close the worker's stdin (it ends once its last answer is sent) and wait for it."""
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


# fn -> workers started ahead, not yet taken by a pool
_PRESTARTED: dict[str, list[subprocess.Popen | ForkedWorker]] = {}


def _discard(proc: subprocess.Popen) -> None:
    """End a worker that was never given a task, at once: it holds nothing and writes nothing, and one still
    importing would otherwise keep the caller waiting until it could read its closed stdin."""
    proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout):
        try:
            pipe.close()
        except OSError:
            pass


def prestart(fn: str, workers: int, fork: bool = False) -> None:
    """Start ``workers`` worker processes for ``fn`` now, before any pool needs them: a worker's start (the
    interpreter and the imports of ``fn``'s module, about 0.3 s of CPU each) then runs beside the caller's own
    start-up (its imports, the configuration, the catalogue), when the other cores are idle, instead of beside the
    first tasks; a module may define ``warm_up()``, which a worker runs then too (report.pdf's renderer loads its
    fonts). The next :class:`WorkerPool` of ``fn`` takes them; those no pool takes are ended at exit (or by
    :func:`discard_prestarted`). ``fork``: all but the first forked from the first once it has warmed up
    (:mod:`.worker_fork`)."""
    ready = _PRESTARTED.setdefault(fn, [])
    if not ready:
        atexit.register(discard_prestarted)
    ready += _start(fn, workers - len(ready), fork)


def discard_prestarted(fn: str | None = None) -> None:
    """End the workers started ahead (for ``fn``, or all) that no pool took."""
    for name in [fn] if fn is not None else list(_PRESTARTED):
        for proc in _PRESTARTED.pop(name, []):
            _discard(proc)


def prestart_cloudtrail_workers(config, fetch: bool = True) -> None:
    """For a run or an extract of ``config`` that loads CloudTrail log objects: the CloudTrail loader's workers,
    started ahead (:func:`prestart`), one per core the run's own start-up leaves idle (all but one: on two cores,
    one; the pool starts the others when it needs them). Called before the heavy imports of a run. A load of one
    chunk (the sample month) ends them unused, having cost only idle time; a run that fetches nothing
    (``run --no-extract``) starts none."""
    workers = load_workers()
    if fetch and workers > 1 and config.sources.get("cloudtrail") is not None:
        prestart(CLOUDTRAIL_CHUNK_TASK, workers - 1)


class WorkerPool:
    """``workers`` processes running ``fn`` (a module-level function, named ``module:function``) on tasks: those
    :func:`prestart` started ahead for ``fn`` first, then new ones (``fork``: as :func:`prestart`'s).

    :meth:`run` hands out tasks as workers free up, so at most one task per worker is in flight, and yields
    (task, result) in the order they finish. A task that raises in its worker is re-raised here (an ``OSError``
    as an ``OSError``, so a full disk still reads as one); a worker that dies ends the run with :class:`WorkerDied`.
    """

    def __init__(self, fn: str, workers: int, fork: bool = False):
        self.fn = fn
        ready = [p for p in _PRESTARTED.pop(fn, []) if p.poll() is None]  # one that ended meanwhile is not taken
        for extra in ready[workers:]:
            _discard(extra)
        self.procs = ready[:workers] + _start(fn, workers - len(ready[:workers]), fork)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for p in self.procs:  # all told first, so that they end side by side
            try:
                p.stdin.close()
            except OSError:
                pass
        for p in self.procs:
            _end(p)

    def run(self, tasks: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
        done: queue.Queue = queue.Queue()
        ready: queue.Queue = queue.Queue(maxsize=len(self.procs))  # tasks made ahead, so no worker waits for one
        stop = threading.Event()
        end = object()

        def put(q: queue.Queue, item) -> bool:
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            """Make the tasks (the iterator may list or download as it goes) while the workers run earlier ones."""
            try:
                for task in tasks:
                    if not put(ready, task):
                        return
            except Exception as exc:  # noqa: BLE001 - raised in the caller's thread
                done.put((False, None, exc))
            for _ in self.procs:
                put(ready, end)

        def feed(proc: subprocess.Popen | ForkedWorker) -> None:
            try:
                while not stop.is_set() and (task := ready.get()) is not end:
                    _send(proc.stdin, task)
                    ok, value = _receive(proc.stdout)
                    done.put((ok, task, value))
            except (EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:  # ValueError: the pool was closed
                try:
                    code = proc.wait(timeout=5)  # its stdout closed: it has ended, or is ending
                except subprocess.TimeoutExpired:  # alive, but what it sent was no answer
                    proc.kill()
                    code = None
                why = (f"killed by signal {-code}" if code is not None and code < 0 else
                       f"exit code {code}" if code is not None else f"its answer was unreadable: {exc}")  # fmt: skip
                done.put((False, None, WorkerDied(f"a worker process ended without answering ({why})")))
            done.put(None)

        threading.Thread(target=produce, daemon=True).start()
        threads = [threading.Thread(target=feed, args=(p,), daemon=True) for p in self.procs]
        for t in threads:
            t.start()
        running = len(threads)
        try:
            while running:
                item = done.get()
                if item is None:
                    running -= 1
                    continue
                ok, task, value = item
                if not ok:
                    raise value
                yield task, value
        finally:
            stop.set()


def _failure(exc: BaseException) -> BaseException:
    """What the parent re-raises: an OSError stays one (with its errno and file); anything else in one line."""
    if isinstance(exc, OSError):
        return OSError(exc.errno, exc.strerror or str(exc), exc.filename)
    return WorkerFailed(f"{type(exc).__name__}: {exc}".splitlines()[0][:500])


def _private_channel():
    """The worker's pipes to the parent on descriptors of their own, and fds 0 and 1 pointed elsewhere (stdin at
    /dev/null, stdout at stderr, which the parent discards): anything in the task's libraries that prints to stdout
    (a C library's warning, a stray print) or reads stdin would otherwise put the parent and this worker out of step,
    each waiting for the other."""
    stdin = os.fdopen(os.dup(0), "rb")
    stdout = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return stdin, stdout


def _serve(spec: str) -> None:
    """The worker's loop: run the function ``spec`` (``module:function``) on each task until stdin closes."""
    import importlib

    stdin, stdout = _private_channel()  # first: the imports below may print
    module, _, name = spec.partition(":")
    imported = importlib.import_module(module)
    fn: Callable = getattr(imported, name)
    getattr(imported, "warm_up", lambda: None)()  # what the module would have its workers do before their first task
    if forked := start_siblings(spec, (stdin, stdout)):  # this process is a worker forked from the first one
        stdin, stdout = forked
    while True:
        try:
            task = _receive(stdin)
        except EOFError:
            end_siblings()
            return
        try:
            answer = (True, fn(task))
        except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it
            answer = (False, _failure(exc))
        _send(stdout, answer)


if __name__ == "__main__":
    die_with_parent()
    from auditreport.load import worker_pool  # this module under its own name, so what it pickles unpickles

    worker_pool._serve(sys.argv[1])
    # stdin closed: every answer is sent (each flushed) and every file a task wrote is closed. End now, without the
    # interpreter's teardown (freeing numpy's, pyarrow's and the tasks' objects one by one): the parent waits for this
    # exit before it goes on (0.1-0.25 s per load on this project's machine).
    sys.stdout.flush()
    os._exit(0)
