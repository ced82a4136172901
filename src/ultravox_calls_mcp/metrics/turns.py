"""Turns on the time line: response latency, barge-ins and talk-overs.

One pass in time-line order. A *turn* is the first agent message after a user message:
further agent messages before the caller speaks again continue the same turn. Its
latency is the agent's start minus the end of the last user message before it; a
negative latency is a *talk-over*. A *barge-in* is a user message that starts while the
latest agent message to start before it is still playing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ultravox_calls_mcp.metrics.timeline import TimedMessage, Timeline
from ultravox_calls_mcp.metrics.tools import ToolPairing, ToolUse

__all__ = ["BargeIn", "ToolRef", "Turn", "TurnScan", "scan_turns"]


@dataclass(frozen=True, slots=True)
class ToolRef:
    """A tool called between a user message and the agent's reply."""

    name: str | None
    failed: bool
    no_result: bool


# Not frozen: a frozen dataclass sets each field through object.__setattr__ (4x the cost
# of building one), and an audit builds one per turn of hundreds of calls.
@dataclass(slots=True)
class Turn:
    """``stage``/``index`` locate the agent message; ``user_stage``/``user_index`` the
    user message it answers. ``tool_calls``: the tools called in between, read as
    ``tools`` (paired with their results only then: an audit reads none)."""

    stage: int
    index: int
    user_stage: int
    user_index: int
    user_end: float
    agent_start: float
    tool_calls: tuple[TimedMessage, ...]
    pairing: ToolPairing = field(repr=False, compare=False)

    @property
    def latency(self) -> float:
        return self.agent_start - self.user_end

    @property
    def tools(self) -> tuple[ToolRef, ...]:
        if not self.tool_calls:
            return ()
        uses = self.pairing.by_invocation
        return tuple(_ref(call, uses) for call in self.tool_calls)


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The user message (``stage``/``index``, starting at ``time``) and how long it
    overlapped the agent message (``agent_stage``/``agent_index``) it cut into."""

    stage: int
    index: int
    time: float
    overlap: float
    agent_stage: int
    agent_index: int


@dataclass(slots=True)
class TurnScan:
    turns: tuple[Turn, ...]  # in time-line order
    latencies: list[float]  # of the turns, ascending
    talk_overs: tuple[Turn, ...]  # turns with negative latency
    # Turns whose user message has no end (an open end): latency cannot be measured.
    unmeasured: int
    barge_ins: tuple[BargeIn, ...]


def _ref(call: TimedMessage, uses: Mapping[str, ToolUse]) -> ToolRef:
    key = call.message.invocation_id
    use = uses.get(key) if key else None
    if use is None:  # a call without an invocation id cannot be paired
        return ToolRef(call.message.tool_name, failed=False, no_result=True)
    return ToolRef(use.name, failed=use.failed, no_result=use.result is None)


def _barge_in(user: TimedMessage, agent: TimedMessage | None) -> BargeIn | None:
    # Simultaneous starts are nobody's interruption; an open-ended agent message has no
    # known end to have been cut into.
    if agent is None or agent.end is None or not agent.start < user.start < agent.end:
        return None
    overlap = (agent.end if user.end is None else min(agent.end, user.end)) - user.start
    if overlap <= 0:  # a zero-length user message overlaps nothing: no speech cut in
        return None
    return BargeIn(user.stage, user.index, user.start, overlap, agent.stage, agent.index)


def scan_turns(timeline: Timeline, pairing: ToolPairing) -> TurnScan:
    """``pairing``: the time line's tools, for each turn's ``tools`` when read."""
    turns: list[Turn] = []
    latencies: list[float] = []
    talk_overs: list[Turn] = []
    barge_ins: list[BargeIn] = []
    unmeasured = 0
    last_user: TimedMessage | None = None  # the user message awaiting a reply
    last_agent: TimedMessage | None = None
    tools: list[TimedMessage] = []
    for message in timeline.timed:
        role = message.role
        if role == "user":
            last_user = message
            if tools:
                tools = []
            if (barge_in := _barge_in(message, last_agent)) is not None:
                barge_ins.append(barge_in)
        elif role == "agent":
            last_agent = message
            if last_user is None:
                continue
            if last_user.end is None:
                unmeasured += 1
            else:
                turn = Turn(
                    message.stage,
                    message.index,
                    last_user.stage,
                    last_user.index,
                    last_user.end,
                    message.start,
                    tuple(tools),
                    pairing,
                )
                turns.append(turn)
                latencies.append(latency := turn.latency)
                if latency < 0:
                    talk_overs.append(turn)
            last_user = None
            if tools:
                tools = []
        elif role == "toolCall" and last_user is not None:
            tools.append(message)
    latencies.sort()
    return TurnScan(tuple(turns), latencies, tuple(talk_overs), unmeasured, tuple(barge_ins))
