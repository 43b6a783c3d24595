"""Shared timing helper for the benchmarks."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by other work on the machine."""
    return min(timed(fn) for _ in range(repeat))


def timed(fn: Callable[[], object]) -> float:
    """Seconds one run of `fn` takes; what it returns is freed after the clock stops (`aims check`
    ends its process without freeing what it read, so freeing is no part of what is measured).

    The cyclic collector runs to its end before the clock starts: otherwise a run inherits the
    collections that the runs before it made due (a baseline timed after a large check pays for a
    pass over that check's objects, and looks slower than it is)."""
    gc.collect()
    start = time.perf_counter()
    made = fn()
    seconds = time.perf_counter() - start
    del made
    return seconds
