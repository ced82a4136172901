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

    return wrapper
