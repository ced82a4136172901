"""Parameter types shared by the tools: each one describes itself to the model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field


def _not_bool(value: object) -> object:
    # JSON true/false would otherwise pass as 1/0: a model that sent them meant something else.
    # Placed after Field() in Annotated, so the bounds stay minimum/maximum in the schema.
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false")
    return value


_Count = BeforeValidator(_not_bool)

# Upper bound the API is asked for per page; it may clamp lower, and we say so.
MAX_PAGE_SIZE = 200

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
        description=f"Rows per page, 1–{MAX_PAGE_SIZE}. Omit for the default. "
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
