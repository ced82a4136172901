"""P3: the largest single result any tool returns on adversarial data, vs the budget.

Every tool the server lists is called (the list is read at run time, so a new tool is
covered or reported as not covered) with arguments aimed at the sandbox's worst data:
the ~1 MB system prompt, the 10,000-message stage with its ~100 KB utterance, the call
with 200 metadata keys, the largest pages, and each field of the fields-by-name tools,
read at offset 0 and from the middle. Each result counts text + structured copy. This
runs at the default budget and at the smallest one a caller may ask for (max_chars).
The client does not render MCP Apps, so the viewer's app-only tools (their results feed
its page, not the model) are not listed to it; show_call, which the model reads, is.

Run:  .venv/bin/python -m benchmarks.p3_largest_result
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import anyio
from mcp.types import Tool

from benchmarks.common import Outcome, Row, connect, print_outcome, received_chars, text_of
from ultravox_calls_mcp.config import Settings
from ultravox_calls_mcp.sandbox import SandboxData, create_app, run_loopback

SMALL_BUDGET = 2_000  # the smallest max_chars a tool accepts
_MAX_PAGE = 200
_PER_TOOL_CAP = 200  # argument sets per tool: bounds the run if a tool grows many fields


@dataclass(frozen=True)
class Biggest:
    chars: int
    tool: str
    arguments: dict[str, Any]


def _targets(data: SandboxData) -> dict[str, Any]:
    n = data.notable
    calls = [n.extreme_prompt_call_id, n.stress_call_id, n.three_stage_call_id]
    stages = [(c, s.stage_id) for c in calls for s in data.call(c).stages]  # type: ignore[union-attr]
    long_agent = max(
        data.agents, key=lambda a: len((a.get("callTemplate") or {}).get("systemPrompt") or "")
    )
    return {
        "calls": calls,
        "stages": stages,
        "agents": [long_agent["agentId"]],
        "stress": (n.stress_call_id, n.stress_stage_id),
    }


def argument_sets(tool: Tool, data: SandboxData) -> Iterator[dict[str, Any]]:
    """Adversarial arguments for ``tool``, built from its input schema."""
    targets = _targets(data)
    props: dict[str, Any] = tool.input_schema.get("properties", {})
    required = set(tool.input_schema.get("required", []))
    bases: list[dict[str, Any]]
    if "call_stage_id" in props:
        bases = [{"call_id": c, "call_stage_id": s} for c, s in targets["stages"]]
    elif "call_id" in props:
        bases = [{"call_id": c} for c in targets["calls"]]
    elif "agent_id" in props:
        bases = [{"agent_id": a} for a in targets["agents"]]
    else:
        bases = [{}]
    unknown = required - {"call_id", "call_stage_id", "agent_id"}
    if unknown:
        # A tool we cannot aim yet (e.g. a new one): try plain values for what it requires.
        for base in bases:
            base.update({name: _plain_value(props.get(name, {})) for name in unknown})
    for base in bases:
        yield base
        if "page_size" in props:
            yield {**base, "page_size": _MAX_PAGE}
        for name in ("field",):
            for choice in _choices(props.get(name, {})):
                yield {**base, name: choice}
                if "offset" in props:
                    yield {**base, name: choice, "offset": 400_000}
    if "message_index" in props:
        call_id, stage_id = targets["stress"]
        # Message 1 of the stress stage is the ~100 KB utterance.
        stress = {"call_id": call_id, "call_stage_id": stage_id, "message_index": 1}
        yield stress
        yield {**stress, "text_offset": 50_000}
        yield {"call_id": call_id, "call_stage_id": stage_id, "roles": ["user"]}


def _choices(schema: dict[str, Any]) -> list[Any]:
    options = schema.get("anyOf", [schema])
    return [value for option in options for value in option.get("enum", [])]


def _plain_value(schema: dict[str, Any]) -> Any:
    kinds = {o.get("type") for o in schema.get("anyOf", [schema])}
    if "integer" in kinds or "number" in kinds:
        return schema.get("minimum", 1)
    if "array" in kinds:
        return []
    return "invoice"


async def largest(
    base_url: str, data: SandboxData, small: bool, per_tool: int
) -> tuple[Biggest, int, list[str], list[str], list[str]]:
    """(largest result, results seen, tools listed, tools covered, errors) at one budget."""
    biggest = Biggest(0, "", {})
    seen = 0
    covered: list[str] = []
    errors: list[str] = []
    # As a model-facing client sees the server: the call viewer's app-only tools, whose
    # results go to its page and never to the model, are not listed (and not measured).
    async with connect(base_url, apps=False) as client:
        tools = (await client.list_tools()).tools
        for tool in tools:
            calls = 0
            for args in islice(argument_sets(tool, data), per_tool):
                if small and "max_chars" in tool.input_schema.get("properties", {}):
                    args = {**args, "max_chars": SMALL_BUDGET}
                with anyio.fail_after(60):
                    result = await client.call_tool(tool.name, args)
                if result.is_error:
                    errors.append(f"{tool.name}{args}: {text_of(result)[:120]}")
                    continue
                calls += 1
                chars = sum(received_chars(result))
                seen += 1
                if chars > biggest.chars:
                    biggest = Biggest(chars, tool.name, args)
            if calls:
                covered.append(tool.name)
    return biggest, seen, [t.name for t in tools], covered, errors


def _short(args: dict[str, Any]) -> str:
    parts = []
    for key, value in args.items():
        text = str(value)
        parts.append(f"{key}={text[:8] + '…' if len(text) > 12 else text}")
    return ", ".join(parts)


def run(quick: bool = False) -> Outcome:
    """``quick`` checks the default budget only, with two argument sets per tool."""
    budget = Settings().max_chars
    app = create_app()
    data: SandboxData = app.state.data
    runs = [("default", budget, False)]
    if not quick:
        runs.append((f"max_chars={SMALL_BUDGET:,}", SMALL_BUDGET, True))
    rows: list[Row] = []
    notes: list[str] = []
    numbers: dict[str, float] = {}
    for label, limit, small in runs:
        with run_loopback(app) as base_url:
            biggest, seen, tool_names, covered, errors = anyio.run(
                largest, base_url, data, small, 2 if quick else _PER_TOOL_CAP
            )
        uncovered = sorted(set(tool_names) - set(covered))
        ok = biggest.chars <= limit and not uncovered
        notes.append(
            f"P3 budget {limit:,} ({label}): {seen} results from {len(covered)} tools; largest "
            f"{biggest.chars:,} chars from {biggest.tool}({_short(biggest.arguments)})"
        )
        if uncovered:
            notes.append(f"  tools not covered: {', '.join(uncovered)}")
        notes.extend(f"  error result: {e}" for e in errors[:5])
        rows.append(
            Row(
                f"P3 largest result, budget {limit:,}",
                f"{biggest.chars:,} chars = {biggest.chars / limit:.3f} of budget "
                f"({seen} results, {len(covered)}/{len(tool_names)} tools)",
                "<= 1.000 of budget",
                ok,
            )
        )
        numbers[f"largest_{limit}"] = biggest.chars
        numbers[f"results_{limit}"] = seen
    return Outcome(rows=rows, notes=notes, numbers=numbers)


def main() -> None:
    print_outcome(run())


if __name__ == "__main__":
    main()
