"""Parameter types the tools share, so each reads alike in every tool's schema, and the
annotations every tool carries.

Each type describes itself to the model; the call filters (dates, agents, durations,
metadata) are one definition used by list_calls and the audit tools alike.
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.types import ToolAnnotations
from pydantic import BeforeValidator, Field

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.api.ids import EVENT_TYPE_PATTERN
from ultravox_calls_mcp.config import MAX_PAGE_SIZE


def _not_bool(value: object) -> object:
    # JSON true/false would otherwise pass as 1/0: a model that sent them meant something else.
    # Placed after Field() in Annotated, so the bounds stay minimum/maximum in the schema.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    return value


_Count = BeforeValidator(_not_bool)

# open_world: the data comes from an external service that changes under us.
READ_ONLY = ToolAnnotations(
    read_only_hint=True,
    destructive_hint=False,
    idempotent_hint=True,
    open_world_hint=True,
)

CallId = Annotated[
    str,
    Field(description="Call id (a UUID), e.g. from list_calls.", max_length=64),
]
StageId = Annotated[
    str,
    Field(description="Call stage id (a UUID), from list_call_stages.", max_length=64),
]
AgentId = Annotated[
    str,
    Field(description="Agent id (a UUID), from list_agents.", max_length=64),
]
Cursor = Annotated[
    str | None,
    Field(
        description="Continuation cursor exactly as printed by a previous result "
        "('next cursor: …'). Omit to start from the beginning.",
        max_length=2_000,
    ),
]
PageSize = Annotated[
    int | None,
    Field(
        description=f"Rows per page, 1–{MAX_PAGE_SIZE}. Omit for the server's default "
        "(ULTRAVOX_MCP_PAGE_SIZE, 100 unless set). "
        "The result is also cut to fit the character budget, with a cursor to read on.",
        ge=1,
        le=MAX_PAGE_SIZE,
    ),
    _Count,
]
MaxChars = Annotated[
    int | None,
    Field(
        description="Character budget for this result (default: the server's budget, "
        "about 24,000). Lower it for a quick look; raise it to read more at once.",
        ge=2_000,
        le=200_000,
    ),
    _Count,
]
Offset = Annotated[
    int,
    Field(description="Character offset to start reading at, as printed after a cut.", ge=0),
    _Count,
]

EventType = Annotated[
    str | None,
    Field(
        description="Only events of this type, e.g. 'tool_error'.",
        max_length=100,
        pattern=EVENT_TYPE_PATTERN,
    ),
]

# A message's speaker, as the transcript tools name it.
Role = Literal["user", "agent", "tool_call", "tool_result"]

# -- call filters ---------------------------------------------------------------------

FromDate = Annotated[
    str | None,
    Field(
        description="Earliest creation time, ISO 8601: '2026-11-01' or "
        "'2026-11-01T09:00:00Z'. A bare date means midnight UTC.",
        max_length=40,
    ),
]
ToDate = Annotated[
    str | None,
    Field(
        description="Latest creation time, ISO 8601. A bare date includes that whole day.",
        max_length=40,
    ),
]
AgentIds = Annotated[
    list[str] | None,
    Field(description="Only calls of these agents (UUIDs, from list_agents).", max_length=50),
]
Metadata = Annotated[
    dict[str, str] | None,
    Field(
        description="Only calls whose metadata has all these key/value pairs, "
        'e.g. {"campaign": "spring"}.',
        max_length=20,
    ),
]
MinDuration = Annotated[
    float | None, Field(description="Only calls lasting at least this many seconds.", ge=0)
]
MaxDuration = Annotated[
    float | None, Field(description="Only calls lasting at most this many seconds.", ge=0)
]
CallSearch = Annotated[
    str | None,
    Field(
        description="Narrow the calls first with Ultravox's own call search (as list_calls' "
        "search), before reading any transcript.",
        max_length=500,
    ),
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
    """CallFilters from a tool's filter arguments (unset and empty ones filter nothing);
    a bad value raises InvalidRequestError in our words."""
    given = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    if given.get("sort") == "-created":
        del given["sort"]  # the API's own default; keeps the query (and cache keys) minimal
    return CallFilters.parse(**{_FILTER_NAMES.get(k, k): v for k, v in given.items()})
