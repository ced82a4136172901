"""Registration evaluates a tool's postponed annotations once (a start-up cost, see P5)
without changing what the SDK derives from them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import pytest
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import InvalidSignature
from mcp.types import TextContent
from pydantic import Field

from mcp import Client
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


async def _listed(server: MCPServer[Any]) -> dict[str, Any]:
    """What a client sees of the one tool, and what calling it gives back."""
    async with Client(server) as client:
        (tool,) = (await client.list_tools()).tools
        result = await client.call_tool(tool.name, {"query": "hello"})
    assert not result.is_error
    text = [block.text for block in result.content if isinstance(block, TextContent)]
    return {"input": tool.input_schema, "output": tool.output_schema, "answer": text}


@pytest.mark.anyio
async def test_schemas_are_what_the_sdk_derives_from_the_strings() -> None:
    our_tool = _make_tool()
    assert isinstance(our_tool.__annotations__["query"], str)
    plain: MCPServer[Any] = MCPServer("plain")
    plain.add_tool(_make_tool())
    ours = UltravoxMCPServer("ours")
    ours.add_tool(our_tool)
    seen = await _listed(ours)
    assert seen == await _listed(plain)
    # The context parameter is injected, not part of the schema the model fills in.
    assert set(seen["input"]["properties"]) == {"query", "cursor", "max_chars"}
    assert seen["answer"] == ["hello"]
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
