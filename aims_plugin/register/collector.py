"""The cyclic garbage collector, paused while a register is read, checked or turned into pages.

That work allocates millions of small objects and frees them by reference
counting; it makes few reference cycles. With the collector running, each of
its passes walks every object made since the last one: the whole register,
again and again (a third of a large load; a tenth of a check of 50,000
acknowledgement rows, most of it in the one pass between reading and checking).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector runs again after it, if it ran before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
