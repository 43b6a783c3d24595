"""Shared timing helper for the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def timed(fn: Callable[[], object]) -> float:
    """Seconds one run of `fn` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
