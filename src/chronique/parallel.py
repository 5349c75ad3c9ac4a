"""How stages use the machine: with the cyclic garbage collector paused, and Python-heavy work
forked to another core by worker processes that die with this one and never block it."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with the cyclic garbage collector paused, then let it resume.

    A build holds tens of thousands of long-lived records and allocates millions of small objects
    (tokens, links, page contexts) that reference counting frees on its own; with the collector
    on, each burst of allocations makes it rescan every live record. On 10,000 articles that was a
    quarter of the related-articles time, and two of the seven seconds of a preview rebuild.
    Whatever cyclic garbage a build leaves is collected once the collector resumes.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@contextmanager
def young_garbage_collected() -> Iterator[None]:
    """Run the block with the cyclic garbage collector on, but only for objects made in it.

    Rendering makes reference cycles (Jinja's contexts and macros) that reference counting never
    frees: with the collector paused they piled up; collecting them took the peak memory of a
    10,000-article build's process tree from 726 to 615 MiB, at no measurable cost in time.
    Everything alive before the block is frozen out of the collector's sight (`gc.freeze`), so its
    collections scan only the objects rendering makes, and a forked process never writes to the
    pages it shares with its parent to collect them.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()
        gc.unfreeze()


def can_fork() -> bool:
    """Whether this process may fork: the system can, and no other thread runs (a thread holding a
    lock at the fork would leave it held forever in the child)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


@dataclass(frozen=True, slots=True)
class Parallelism:
    """From how much work each stage hands part of it to other cores. A build uses `PARALLELISM`;
    tests pass lower thresholds to run the parallel paths on small inputs."""

    parse_from: int = 200
    """Files to parse from which `load` parses in a pool of processes: below it, starting the
    workers costs more than it saves."""
    entities_from: int = 2000
    """Articles from which `enrich` extracts entities in a forked process (forking it and sending
    its result back cost a few hundredths of a second)."""
    render_from: int = 1000
    """Pages from which `render` renders half of them in a forked process."""
    fork_beside_threads: bool = False
    """Fork even while other threads run. Never in a build (see `can_fork`): a test sets it when
    threads other tests left behind would keep it from trying the forked path."""

    def may_fork(self) -> bool:
        return "fork" in multiprocessing.get_all_start_methods() if self.fork_beside_threads else can_fork()


PARALLELISM = Parallelism()


# Every process a build starts is a worker of this one (see `start_as_worker`): it ignores Ctrl-C,
# which reaches this process too and makes it stop them, and it dies when this process dies, even
# by `kill -9`, instead of staying blocked on a pipe nobody reads.


def forked(function: Callable[P, R], *args: P.args) -> Forked[R]:
    """Start `function(*args)` in a forked process (only when `can_fork()`); calling what it returns
    waits for its result, or raises its exception. Use it as a context manager: leaving the block
    without the result (this process was interrupted or failed meanwhile) kills the child.

    Python-heavy work then has a core of its own, and the child reads the arguments from the memory
    it shares with its parent, so they are never copied: only the result is sent back.
    """
    give_back_freed_memory()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_send, args=(os.getpid(), receiver, sender, function, *args), daemon=True
    )
    with interrupts_deferred():
        child.start()
    sender.close()
    return Forked(child, receiver)


def give_back_freed_memory() -> None:
    """Hand the system back the heap memory earlier stages freed, which glibc's allocator keeps
    mapped: a process forked now would share it, and both would count it. After enrich at 10,000
    articles, 115 MB of 459 MB (the peak memory of the build's process tree: 679 -> 583 MiB)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl has no malloc_trim)
            ctypes.CDLL(None).malloc_trim(0)


class Forked(Generic[R]):
    """A function running in a forked process, and the pipe its result comes back through."""

    def __init__(self, child: BaseProcess, receiver: Connection) -> None:
        self._child = child
        self._receiver = receiver

    def __call__(self) -> R:
        try:
            outcome = self._receiver.recv()
        except EOFError:  # it died before it could send anything (killed, out of memory)
            self.stop()
            raise ChildProcessError(f"a worker process died (exit code {self._child.exitcode})") from None
        finally:
            self.stop()  # once its result is in, the child has nothing left to do
        if isinstance(outcome, _Failed):
            raise outcome.error
        return outcome

    def stop(self) -> None:
        """Kill the child unless it has ended, then reap it. Never only wait for it: a child whose
        result nobody reads stays blocked writing it to the pipe."""
        if self._child.exitcode is None:
            self._child.kill()
        self._child.join()
        self._receiver.close()

    def __enter__(self) -> Forked[R]:
        return self

    def __exit__(self, *failure: object) -> None:
        self.stop()


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def _send(
    parent: int, receiver: Connection, sender: Connection, function: Callable[..., object], *args: object
) -> None:
    start_as_worker(parent)
    receiver.close()  # the parent's end: with it closed here, a write to a dead parent fails
    try:
        outcome = function(*args)
    except BaseException as error:  # the parent raises it
        outcome = _Failed(error)
    try:
        sender.send(outcome)
    except BrokenPipeError:  # the parent is gone: no one to tell
        return
    sender.close()


@contextmanager
def process_pool(workers: int) -> Iterator[Pool]:
    """A pool of `workers` worker processes, terminated when the block is left, whatever happened.

    Forked when this process may fork, else started afresh (`spawn`: a process with threads, such
    as the preview server, must not fork), so that this process is always their parent.
    """
    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    with interrupts_deferred():
        pool = context.Pool(workers, initializer=start_as_worker, initargs=(os.getpid(),))
    with pool:  # leaving it terminates the workers: none is ever waited for
        yield pool


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while worker processes start: they start with it ignored (fork
    and exec keep that), so that no Ctrl-C interrupts one half-started (it would print a
    traceback); a Ctrl-C that came meanwhile is held pending, and reaches this process when the
    block ends. Only the main thread may change how signals are handled; elsewhere, nothing."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield  # Windows has no signal masks (and no fork)
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = signal.getsignal(signal.SIGINT)  # None: set outside Python, so it could not be restored
    if handler is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # blocked, a Ctrl-C stays pending even so
    try:
        yield
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def start_as_worker(parent: int) -> None:
    """What a worker process does first: it ignores Ctrl-C (its parent gets it as well, and stops
    its workers) and dies with `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked when forked
    die_with_parent(parent)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when `parent`, the process that started it, ends (Linux;
    elsewhere nothing). The signal comes when the parent's thread that started this process ends;
    processes are started from the main thread here."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request: no signal will come
        os.kill(os.getpid(), signal.SIGKILL)
