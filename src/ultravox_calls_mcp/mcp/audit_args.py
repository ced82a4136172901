"""Parameter types the audit tools share, and the call filters they make.

Each audit tool takes some of the call list's filters (under list_calls' names) and a
``max_calls`` bound; they describe themselves alike in every tool's schema.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ultravox_calls_mcp.api.filters import CallFilters

FromDate = Annotated[
    str | None,
    Field(
        description="Earliest creation time, ISO 8601 ('2026-11-01' or '2026-11-01T09:00:00Z').",
        max_length=40,
    ),
]
ToDate = Annotated[
    str | None,
    Field(
        description="Latest creation time, ISO 8601; a bare date includes that day.", max_length=40
    ),
]
AgentIds = Annotated[
    list[str] | None,
    Field(description="Only calls of these agents (UUIDs, from list_agents).", max_length=50),
]
Metadata = Annotated[
    dict[str, str] | None,
    Field(description='Only calls whose metadata has all these pairs, e.g. {"campaign": "nps"}.'),
]
CallSearch = Annotated[
    str | None,
    Field(
        description="Narrow the calls first with Ultravox's own call search (as list_calls' "
        "search), before reading any transcript.",
        max_length=500,
    ),
]
MinDuration = Annotated[
    float | None, Field(description="Only calls lasting at least this many seconds.", ge=0)
]
MaxDuration = Annotated[
    float | None, Field(description="Only calls lasting at most this many seconds.", ge=0)
]


def max_calls_field(default: int) -> object:
    """``max_calls``' Field: tools differ only in the default (a search reads more per call)."""
    return Field(
        description=f"Calls to read at most in this run (default {default}); the result ends "
        "with a cursor to scan the rest.",
        ge=1,
        le=2_000,
    )


# The tools' parameter names that differ from CallFilters' own.
_FILTER_NAMES = {
    "min_duration_seconds": "duration_min",
    "max_duration_seconds": "duration_max",
    "call_search": "search",
}


def call_filters(**values: object) -> CallFilters:
    """CallFilters from a tool's filter arguments; unset and empty ones filter nothing."""
    given = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    return CallFilters.parse(**{_FILTER_NAMES.get(k, k): v for k, v in given.items()})
