"""One place where client errors become messages the model can act on.

The client's errors already speak our words (never the upstream body); here they
become ``ToolError`` so MCP marks the result as an error and shows that text.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from ultravox_calls_mcp.api.errors import UltravoxError

P = ParamSpec("P")
R = TypeVar("R")


def tool_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn our client errors raised by a tool into ToolError results."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except UltravoxError as exc:
            raise ToolError(str(exc)) from None
        except ExceptionGroup as group:
            # Tools that run requests in a task group (the audit scans) get our errors
            # wrapped in a group; unwrapped, they read as our message, not as a crash.
            ours, rest = group.split(UltravoxError)
            if ours is None or rest is not None:
                raise
            raise ToolError(str(_first_leaf(ours))) from None

    return wrapper


def _first_leaf(group: BaseExceptionGroup[UltravoxError]) -> BaseException:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
