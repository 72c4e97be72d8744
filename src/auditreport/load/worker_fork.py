"""Worker processes forked from a warmed-up one (a "zygote", as :mod:`multiprocessing`'s forkserver does): a task
that opts in (``fork=True``: report.pdf's renderer) has its first worker spawned, and every further one forked by that
first worker once it has imported the task's module and run its ``warm_up``: one import (WeasyPrint's: ~0.6 s of CPU)
instead of one per worker, at the moment the caller most needs the cores, and the forked worker ready in milliseconds.

The parent makes each further worker's pipes (its tasks, its answers, and a status pipe) and passes them to the first
worker (``pass_fds`` and :data:`SIBLINGS_ENV`). After ``warm_up`` the first worker forks one child per set, provided it
runs no thread (else it spawns a fresh worker on the same pipes: slower, never unsafe); the child keeps only its own
pipes, dies with the first worker (``PR_SET_PDEATHSIG``, which dies with the parent) and serves tasks as any worker
does. The first worker writes each child's pid on its status pipe, then, when it reaps the child, its exit status; at
its own end (its stdin closed) it waits for its children first, so that none is killed with it mid-answer. In the
parent, :class:`ForkedWorker` stands for the child with what the pool uses of a :class:`subprocess.Popen`.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time

SIBLINGS_ENV = "AUDITREPORT_WORKER_SIBLINGS"  # "tasks,answers,status;..." the fds of each worker to fork
_STATUS = struct.Struct("<q")  # on a status pipe: the child's pid, then its exit code (a signal's as -signal)


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when its parent ends, so it never writes on after a killed run."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent == 1 or os.getppid() != parent:  # the parent is already gone
        os._exit(0)


class ForkedWorker:
    """The parent's handle on a worker the first worker forks: ``pid``, ``stdin``, ``stdout``, ``poll``, ``wait``,
    ``kill`` and ``returncode`` as a :class:`subprocess.Popen`'s. Its pid and exit code come over its status pipe,
    from the first worker (its parent); ``pid`` waits for the fork (the first worker's warm-up)."""

    def __init__(self, tasks: int, answers: int, status: int):
        self.stdin = os.fdopen(tasks, "wb")
        self.stdout = os.fdopen(answers, "rb")
        self._status = status
        self._read = b""
        self._pid: int | None = None
        self.returncode: int | None = None
        self.args = "forked worker"

    def _take(self, timeout: float | None) -> bool:
        """Read the status pipe for up to ``timeout`` s (None: until it says something); False when it said nothing."""
        if self._status < 0:
            return True
        ready, _w, _x = select.select([self._status], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self._status, 64)
        self._read += chunk
        if len(self._read) >= _STATUS.size and self._pid is None:
            self._pid = _STATUS.unpack_from(self._read)[0] or None
        if len(self._read) >= 2 * _STATUS.size:
            self._ended(_STATUS.unpack_from(self._read, _STATUS.size)[0])
        elif not chunk:  # the first worker ended without reaping it: it was killed, and this one with it
            self._ended(-signal.SIGKILL)
        return True

    def _ended(self, code: int) -> None:
        if self.returncode is None:
            self.returncode = code
        if self._status >= 0:
            os.close(self._status)
            self._status = -1

    @property
    def pid(self) -> int | None:
        while self._pid is None and self._status >= 0:
            self._take(None)
        return self._pid

    def poll(self) -> int | None:
        while self.returncode is None and self._take(0):
            pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            left = None if end is None else end - time.monotonic()
            if (left is not None and left <= 0) or not self._take(left):
                raise subprocess.TimeoutExpired(self.args, timeout)
        return self.returncode

    def kill(self) -> None:
        self.poll()
        if self.returncode is not None:
            return
        if self._pid is None:  # not forked yet: its tasks' pipe closed, the first worker forks it no more
            try:
                self.stdin.close()
            except OSError:
                pass
            self._ended(-signal.SIGKILL)
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def sibling_pipes(count: int) -> tuple[list[ForkedWorker], list[int], str]:
    """Pipes for ``count`` workers to fork: their handles, the fds the first worker must inherit (the parent closes
    them once it is started) and :data:`SIBLINGS_ENV`'s value naming them."""
    handles, passed, named = [], [], []
    for _ in range(count):
        tasks_r, tasks_w = os.pipe()
        answers_r, answers_w = os.pipe()
        status_r, status_w = os.pipe()
        handles.append(ForkedWorker(tasks_w, answers_r, status_r))
        passed += [tasks_r, answers_w, status_w]
        named.append(f"{tasks_r},{answers_w},{status_w}")
    return handles, passed, ";".join(named)


# In the first worker: pid -> status fd of each child it started and has not reaped.
_CHILDREN: dict[int, int] = {}


def _report(pid: int, status: int) -> None:
    fd = _CHILDREN.pop(pid)
    try:
        os.write(fd, _STATUS.pack(os.waitstatus_to_exitcode(status)))
    except OSError:  # the parent has gone, or no longer listens
        pass
    os.close(fd)


def _reap(_signum=None, _frame=None) -> None:
    for pid in list(_CHILDREN):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done:
            _report(pid, status)


def _forkable() -> bool:
    """Only a process running one thread forks safely (another thread's locks would be held for ever in the child)."""
    try:
        tasks = len(os.listdir("/proc/self/task"))
    except OSError:
        tasks = 1
    return threading.active_count() == 1 and tasks == 1


def start_siblings(spec: str, channel: tuple) -> tuple | None:
    """In the first worker, after its warm-up: the workers :data:`SIBLINGS_ENV` names started (forked, or spawned
    when this process runs threads). Returns None here, and in a forked child its own (stdin, stdout) channel."""
    named = os.environ.pop(SIBLINGS_ENV, "")
    sets = [tuple(int(fd) for fd in item.split(",")) for item in named.split(";") if item]
    if not sets:
        return None
    signal.signal(signal.SIGCHLD, _reap)
    signal.siginterrupt(signal.SIGCHLD, False)  # a child's end restarts a system call the task is in (SA_RESTART)
    forkable = _forkable()
    me = os.getpid()
    for i, (tasks, answers, status) in enumerate(sets):
        if _hung_up(tasks):  # the parent discarded it before it was started
            pid = None
        elif forkable:
            pid = os.fork()
            if pid == 0:
                return _child(sets, i, channel, me)
        else:
            pid = subprocess.Popen([sys.executable, "-m", "auditreport.load.worker_pool", spec], stdin=tasks,
                                   stdout=answers, stderr=subprocess.DEVNULL, close_fds=True).pid
        if pid is not None:
            try:  # before it is listed: once listed, SIGCHLD's handler may write its exit code and close the pipe
                os.write(status, _STATUS.pack(pid))
            except OSError:
                pass
            _CHILDREN[pid] = status
        else:
            os.close(status)
        os.close(tasks)
        os.close(answers)
    _reap()  # one that ended before its status fd was known
    return None


def _hung_up(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return any(event & select.POLLHUP and not event & select.POLLIN for _fd, event in poller.poll(0))


def _child(sets: list[tuple], mine: int, channel: tuple, zygote: int) -> tuple:
    """In a forked child: its own pipes kept, everything of the first worker's and its siblings' closed."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in _CHILDREN.values():  # the earlier children's status pipes (their other pipes are closed already)
        os.close(fd)
    _CHILDREN.clear()
    for stream in channel:
        stream.close()
    for i, fds in enumerate(sets[mine:], mine):
        for j, fd in enumerate(fds):
            if i != mine or j == 2:  # a later sibling's pipe, or its own status pipe (the first worker's to write)
                os.close(fd)
    tasks, answers, _status = sets[mine]
    die_with_parent()
    if os.getppid() != zygote:
        os._exit(0)
    return os.fdopen(tasks, "rb"), os.fdopen(answers, "wb")


def end_siblings() -> None:
    """In the first worker, its stdin closed: wait for its children (told to end by the parent) and report them."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for pid in list(_CHILDREN):
        try:
            _pid, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
        _report(pid, status)
