"""How stages use the machine: with the cyclic garbage collector paused, and Python-heavy work
forked to another core."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import ParamSpec, TypeVar

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


def can_fork() -> bool:
    """Whether this process may fork: the system can, and no other thread runs (a thread holding a
    lock at the fork would leave it held forever in the child)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def forked(function: Callable[P, R], *args: P.args) -> Callable[[], R]:
    """Start `function(*args)` in a forked process (only when `can_fork()`); returns what waits for
    its result, or raises its exception.

    Python-heavy work then has a core of its own, and the child reads the arguments from the memory
    it shares with its parent, so they are never copied: only the result is sent back.
    """
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_send, args=(sender, function, *args), daemon=True)
    child.start()
    sender.close()

    def result() -> R:
        try:
            outcome = receiver.recv()
        finally:
            child.join()
            receiver.close()
        if isinstance(outcome, _Failed):
            raise outcome.error
        return outcome

    return result


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def _send(sender: Connection, function: Callable[..., object], *args: object) -> None:
    try:
        outcome = function(*args)
    except BaseException as error:  # the parent raises it
        outcome = _Failed(error)
    sender.send(outcome)
    sender.close()
