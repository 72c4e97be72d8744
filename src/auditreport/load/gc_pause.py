"""Pause Python's cyclic garbage collector around work that allocates many small objects and no cycles.

Loading a month of CloudTrail builds hundreds of thousands of short records, listing entries and inputs; the collector
would scan them again and again (measured: a quarter of a worker's time, 0.4 s of the parent's over 100,000 objects)
and free nothing, since reference counting frees them. It runs again, as before, once the work is done.

The report stage is paused too (:meth:`auditreport.runner.Run.report`): each full collection there walked the whole
run's heap again (the checks' results, every module, and what the stage imports: Jinja's templates, trestle's pydantic
classes, fontTools) to free a few thousand objects, 0.1-0.15 s of the sample month's 1.8 s of CPU in the main process;
what it leaves is collected when the stage ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
