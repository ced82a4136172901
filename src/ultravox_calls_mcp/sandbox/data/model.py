"""The shapes the sandbox keeps its data in: JSON-ready dicts plus a few typed indexes.

Records hold the exact JSON the API would send (camelCase, ISO times with ``Z``), so the
routes only select, filter and page; they never reshape. The typed fields next to the
JSON (``created``, ``duration_s``, ...) exist so filters need not re-parse strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Json = dict[str, Any]


def iso(moment: datetime) -> str:
    """ISO-8601 in UTC with a ``Z``, milliseconds kept, as Django REST Framework writes it."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def seconds(value: float) -> str:
    """A protobuf-style duration string (``"12.340s"``) matching the schema's pattern."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text}s"


@dataclass
class StageRecord:
    """One call stage: its JSON, its full message list and the tools it offered.

    ``messages`` is the stage's own list as ``/stages/{id}/messages`` returns it: a later
    stage starts with the earlier stages' messages re-listed (its initial messages).
    ``first_own`` is where the stage's own, in-call messages begin; ``mode=in_call``
    returns only those, which is how it avoids repeating history.
    """

    stage: Json
    messages: Sequence[Json]
    first_own: int
    tools: list[Json]

    @property
    def stage_id(self) -> str:
        return str(self.stage["callStageId"])


@dataclass
class CallRecord:
    """A call's JSON plus its stages, events and tools, and typed copies for filtering."""

    call: Json
    stages: list[StageRecord]
    events: list[Json]
    tools: list[Json]
    created: datetime
    # Seconds from joined to ended; None while live. Unjoined calls count as 0.
    duration_s: float | None

    @property
    def call_id(self) -> str:
        return str(self.call["callId"])

    def stage(self, stage_id: str) -> StageRecord | None:
        return next((s for s in self.stages if s.stage_id == stage_id), None)


@dataclass(frozen=True)
class PlantedCase:
    """A planted call, the message that shows its case, and the size it was planted at.

    ``seconds`` depends on the case: a response latency (agent start minus the caller's
    end; negative for a talk-over), a barge-in's overlap, a dead-air gap's length; 0 where
    the case is not about time.
    """

    call_id: str
    stage_id: str
    message_index: int
    seconds: float = 0.0


@dataclass(frozen=True)
class Notable:
    """Well-known ids for tests and benchmarks, so nobody has to search the data for them.

    The planted cases (``planted_timing.py``, ``planted_fidelity.py``) each sit in a call
    of their own, so a test of one never depends on another.
    """

    multi_stage_call_id: str
    three_stage_call_id: str
    extreme_prompt_call_id: str
    stress_call_id: str
    stress_stage_id: str
    long_utterance_call_id: str
    many_metadata_call_id: str
    failed_tool_call_id: str
    live_call_id: str
    secrets_call_id: str
    injection_call_id: str
    # Voice timing (issue 14). ``slow_after_tool``: the slowest reply, after a
    # ``slow_tool_name`` result; ``dead_air``: the message the silence follows.
    slow_after_tool: PlantedCase
    slow_tool_name: str
    barge_in: PlantedCase
    dead_air: PlantedCase
    talk_over: PlantedCase
    # Fidelity (issue 13) and the viewer (issue 15).
    wide_metadata_call_id: str
    large_metadata_call_id: str
    large_metadata_key: str
    long_tool_description_call_id: str
    long_tool_name: str
    repeated_letters: PlantedCase
    html_injection: PlantedCase
    agent_ids: tuple[str, ...]
    call_ids: tuple[str, ...]


@dataclass
class SandboxData:
    """Everything the sandbox serves. Treat it as read-only: one instance is shared per seed."""

    seed: int
    account: Json
    agents: list[Json]
    calls: list[CallRecord]  # newest first, the API's default order
    notable: Notable
    # Every planted secret value; none of them may ever reach a model.
    canaries: list[str]
    # Voice name -> voice id, for voiceId filter tests.
    voices: dict[str, str] = field(default_factory=dict)

    def call(self, call_id: str) -> CallRecord | None:
        return self._call_index.get(call_id)

    def agent(self, agent_id: str) -> Json | None:
        return next((a for a in self.agents if a["agentId"] == agent_id), None)

    @property
    def _call_index(self) -> dict[str, CallRecord]:
        index: dict[str, CallRecord] | None = self.__dict__.get("_index")
        if index is None:
            index = {c.call_id: c for c in self.calls}
            self.__dict__["_index"] = index
        return index


ANCHOR = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
"""The dataset's "now": five weeks of calls end here, so dates never drift between runs."""

SPAN = timedelta(weeks=5)
