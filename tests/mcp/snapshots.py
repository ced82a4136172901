"""Snapshot files kept in the repo: a change to them is a change to review.

Set UPDATE_SNAPSHOTS=1 to rewrite them after an intended change.
"""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"


def assert_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOT_DIR / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing snapshot {path}; run with UPDATE_SNAPSHOTS=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its snapshot; review, then UPDATE_SNAPSHOTS=1"
