"""Annotations every tool of this server shares: they only read."""

from __future__ import annotations

from mcp.types import ToolAnnotations

# open_world: the data comes from an external service that changes under us.
READ_ONLY = ToolAnnotations(
    read_only_hint=True,
    destructive_hint=False,
    idempotent_hint=True,
    open_world_hint=True,
)
