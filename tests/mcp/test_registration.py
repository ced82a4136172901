"""Registration evaluates a tool's postponed annotations once (a start-up cost, see P5)
without changing what the SDK derives from them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import pytest
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import InvalidSignature
from pydantic import Field

from ultravox_calls_mcp.mcp.errors import tool_errors
from ultravox_calls_mcp.mcp.params import Cursor, MaxChars
from ultravox_calls_mcp.mcp.server import UltravoxMCPServer, evaluate_annotations


def _make_tool() -> Callable[..., Awaitable[str]]:
    """A fresh tool each call, its annotations strings again (evaluation works in place)."""

    @tool_errors
    async def tool(
        ctx: Context,
        query: Annotated[str, Field(description="What to look for.", max_length=50)],
        cursor: Cursor = None,
        max_chars: MaxChars = None,
    ) -> str:
        """A tool."""
        return query

    return tool


def _listed(server: MCPServer[Any]) -> dict[str, Any]:
    (tool,) = server._tool_manager.list_tools()
    return {"parameters": tool.parameters, "output": tool.output_schema, "ctx": tool.context_kwarg}


def test_schemas_are_what_the_sdk_derives_from_the_strings() -> None:
    our_tool = _make_tool()
    assert isinstance(our_tool.__annotations__["query"], str)
    plain: MCPServer[Any] = MCPServer("plain")
    plain.add_tool(_make_tool())
    ours = UltravoxMCPServer("ours")
    ours.add_tool(our_tool)
    assert _listed(ours) == _listed(plain)
    assert _listed(ours)["ctx"] == "ctx"
    # Evaluated in place, on the wrapper and the function it wraps alike.
    for fn in (our_tool, our_tool.__wrapped__):  # type: ignore[attr-defined]
        assert not any(isinstance(a, str) for a in fn.__annotations__.values())
    assert our_tool.__annotations__["ctx"] is Context


def test_an_annotation_that_does_not_evaluate_is_left_for_the_sdk_to_report() -> None:
    def broken(value: NoSuchType) -> str:  # type: ignore[name-defined]  # noqa: F821
        return ""

    evaluate_annotations(broken)
    assert broken.__annotations__["value"] == "NoSuchType"
    with pytest.raises(InvalidSignature):
        UltravoxMCPServer("ours").add_tool(broken)
