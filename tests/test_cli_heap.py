"""The command line freezes its start-up heap before serving (see benchmarks/paging.py for
what a full collection over it costs)."""

from __future__ import annotations

import gc

from ultravox_calls_mcp.cli import freeze_start_up_heap


def test_the_start_up_heap_leaves_the_collectors_sight() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        freeze_start_up_heap()
        # Everything alive here (this test's modules included) is frozen now.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
