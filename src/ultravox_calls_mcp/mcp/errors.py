"""One place where client errors become messages the model can act on.

The client's errors already speak our words (never the upstream body); here they
become ``ToolError`` so MCP marks the result as an error and shows that text, with the
tool that lists valid ids when a wrong or unknown id caused it (the API layer knows no
tool names).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from ultravox_calls_mcp.api.errors import UltravoxError

# Where valid ids come from, by the identifier an error is about.
WHERE_IDS_COME_FROM = {
    "call_id": "list_calls shows recent call ids.",
    "call_stage_id": "list_call_stages shows the stage ids of a call.",
    "agent_id": "list_agents shows agent ids.",
    "agent_ids": "list_agents shows agent ids.",
    "voice_id": "Voice ids are UUIDs from the Ultravox voices list.",
}

P = ParamSpec("P")
R = TypeVar("R")


def tool_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn our client errors raised by a tool into ToolError results."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except UltravoxError as exc:
            raise ToolError(for_the_model(exc)) from None
        except ExceptionGroup as group:
            # Tools that run requests in a task group (the audit scans) get our errors
            # wrapped in a group; unwrapped, they read as our message, not as a crash.
            ours, rest = group.split(UltravoxError)
            if ours is None or rest is not None:
                raise
            raise ToolError(for_the_model(_first_leaf(ours))) from None

    return wrapper


def for_the_model(error: UltravoxError) -> str:
    """The error's message, followed by where valid ids come from when an id caused it."""
    hint = WHERE_IDS_COME_FROM.get(error.about or "")
    return f"{error} {hint}" if hint else str(error)


def _first_leaf(group: BaseExceptionGroup[UltravoxError]) -> UltravoxError:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
