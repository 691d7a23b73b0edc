"""The web process's heap after start-up: frozen out of the garbage collector's full collections.

A serving process starts with some 160,000 objects that live as long as it does (modules, mapped
classes, compiled catalogues, the plugin registry). CPython's oldest generation holds them, and
every full collection walks them all: about 70 ms on a 2-core machine, once every few thousand
requests, during which no request is served. Under load every request then in flight waits for it,
which is most of a page's p99. :func:`freeze_startup_heap` collects once and moves what survived
into the permanent generation, so a full collection only walks what was created since (under a
millisecond). It is the practice of the CPython documentation for ``gc.freeze``.
:func:`thaw_heap` hands the frozen objects back to the collector when the application stops (a
process that builds several applications, as the test suite does, does not keep them all).
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect the garbage of start-up, then freeze every surviving object; returns how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw_heap() -> None:
    """Give the frozen objects back to the collector (the application stopped)."""
    gc.unfreeze()
