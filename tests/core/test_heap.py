"""A serving process freezes its start-up heap out of the full collections, and thaws it when it stops."""

from __future__ import annotations

import gc

from core.app import create_app
from core.heap import freeze_startup_heap, thaw_heap


def test_freezing_moves_the_surviving_objects_out_of_the_collected_generations():
    kept = [object() for _ in range(10)]
    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 0
        assert len(gc.get_objects()) < 1_000 < frozen  # next to nothing left for a full collection to walk
    finally:
        thaw_heap()
    assert gc.get_freeze_count() == 0
    assert kept


async def test_the_application_freezes_at_start_up_and_thaws_at_shutdown(portique_settings):
    app = create_app(portique_settings, access_log=False)
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 10_000  # modules, mapped classes, catalogues...
    assert gc.get_freeze_count() == 0
