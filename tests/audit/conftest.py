"""Audit tests run on the default sandbox data minus its 10,000-message stress call (which
only makes scans slow), with a phrase planted in known messages of known stages.

Every server here gets a cache directory under tmp_path: nothing is written to the
user's real cache.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from mcp import Client
from ultravox_calls_mcp.mcp.server import build_server
from ultravox_calls_mcp.sandbox import CallRecord, SandboxData, create_app, sandbox_settings

PHRASE = "Purple Elephant"


@dataclass(frozen=True)
class Plant:
    call_id: str
    stage_id: str
    index: int
    role: str


@dataclass(frozen=True)
class Planted:
    data: SandboxData
    plants: list[Plant]


def _plant(record: CallRecord, stage_no: int, role: str) -> tuple[CallRecord, Plant]:
    """Append the phrase to the first own message of that role in that stage."""
    stage = record.stages[stage_no]
    messages: list[Any] = [dict(m) for m in stage.messages]
    at = next(
        i
        for i in range(stage.first_own, len(messages))
        if messages[i]["role"] == f"MESSAGE_ROLE_{role}"
    )
    messages[at]["text"] = f"{messages[at].get('text', '')} ... the {PHRASE} in the room."
    stages = list(record.stages)
    stages[stage_no] = replace(stage, messages=messages)
    plant = Plant(record.call_id, stage.stage_id, int(messages[at]["callStageMessageIndex"]), role)
    return replace(record, stages=stages), plant


@pytest.fixture(scope="session")
def planted(sandbox_data: SandboxData) -> Planted:
    notable = sandbox_data.notable
    # Multi-stage calls: a caller's words in stage 1 and an agent's in stage 3; a tool's
    # result in a single-stage call; and the live call (searched, never cached).
    single = next(
        r
        for r in sandbox_data.calls
        if len(r.stages) == 1
        and r.call_id not in (notable.stress_call_id, notable.live_call_id)
        and any(m["role"] == "MESSAGE_ROLE_TOOL_RESULT" for m in r.stages[0].messages)
    )
    targets = {
        notable.three_stage_call_id: [(0, "USER"), (2, "AGENT")],
        single.call_id: [(0, "TOOL_RESULT")],
        notable.live_call_id: [(0, "USER")],
    }
    calls: list[CallRecord] = []
    plants: list[Plant] = []
    for record in sandbox_data.calls:
        if record.call_id == notable.stress_call_id:
            continue
        for stage_no, role in targets.get(record.call_id, []):
            record, plant = _plant(record, stage_no, role)
            plants.append(plant)
        calls.append(record)
    return Planted(replace(sandbox_data, calls=calls), plants)


@pytest.fixture
def app(planted: Planted) -> Starlette:
    return create_app(planted.data)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def audit_client(
    app: Starlette,
    cache_dir: Path | None,
    *,
    mode: str = "auto",
    seams: dict[str, Any] | None = None,
    **overrides: object,
) -> Client:
    """A client of the real server over ``app``; ``seams`` go to build_server (time)."""
    values: dict[str, object] = {} if cache_dir is None else {"cache_dir": cache_dir}
    settings = sandbox_settings(**{**values, **overrides})
    transport = httpx2.ASGITransport(app=app)
    return Client(build_server(settings, http_transport=transport, **(seams or {})), mode=mode)


def message_requests(app: Starlette) -> int:
    return int(app.state.requests.count_path("/messages"))


_HEADING = re.compile(r"^call ([0-9a-f-]{36}) · ", re.M)
_HIT = re.compile(r"^  stage (\d+) ([0-9a-f-]{36}) \[(\d+)\] (\w+): ", re.M)
_CURSOR = re.compile(r'next cursor: "([^"]+)"')


def matched_calls(text: str) -> list[str]:
    return _HEADING.findall(text)


def hits(text: str) -> list[tuple[str, int, str]]:
    """(stage id, message index, role) of every hit line."""
    return [(sid, int(index), role) for _, sid, index, role in _HIT.findall(text)]


def next_cursor(text: str) -> str | None:
    found = _CURSOR.search(text)
    return found.group(1) if found else None
