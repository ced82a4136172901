"""Sample calls read like calls, and their words never move the dataset's random stream.

Each agent role follows its script: a booking confirms a slot that was offered or asked for
before it, a tool's result is what the agent then talks about, a failed tool is followed by
an apology, the agent names only the caller of that call, nobody says the same line twice
running, and a call that ended normally ends with a goodbye. These are checked on the
default data and on other seeds, and on many stages made directly (every role, short and
long, with failures and hand-overs). A last test pins the draws a stage makes to the ones
the sample data has always made, so ids, times and counts cannot drift with the words.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from ultravox_calls_mcp.sandbox import SandboxData, generate_dataset
from ultravox_calls_mcp.sandbox.data.agents import AGENT_SPECS, STAGE_TARGETS, TOOLS, AgentSpec
from ultravox_calls_mcp.sandbox.data.scripts import LAST_QUESTION, SURVEY
from ultravox_calls_mcp.sandbox.data.special import StressMessages
from ultravox_calls_mcp.sandbox.data.text import CALLERS, caller_info
from ultravox_calls_mcp.sandbox.data.transcripts import plan_turns

SEEDS = (7, 8, 9, 21)
ROLE_OF = {spec.name: spec.role for spec in AGENT_SPECS}
GOODBYES = ("lovely day", "Goodnight", "joining the call")
SLOT = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|tomorrow) at \d{1,2}:\d\d"
OWN_BOOKING = re.compile(rf"[Yy]ou're (?:booked for|moved to) ({SLOT})")


@dataclass(frozen=True)
class Line:
    role: str  # AGENT, USER, TOOL_CALL or TOOL_RESULT
    text: str
    tool: str | None = None
    failed: bool = False


@dataclass
class Conversation:
    label: str
    roles: list[str]  # the agent role of each stage
    stages: list[list[Line]]
    ended_normally: bool
    caller: str | None = None  # known for stages made directly
    greeted: bool = True

    @property
    def lines(self) -> list[Line]:
        return [line for stage in self.stages for line in stage]


def _from_messages(messages: list[dict[str, object]]) -> list[Line]:
    lines = []
    for m in messages:
        role = str(m["role"]).removeprefix("MESSAGE_ROLE_")
        tool = m.get("toolName")
        lines.append(Line(role, str(m["text"]), str(tool) if tool else None, "errorDetails" in m))
    return lines


def dataset_conversations(data: SandboxData) -> Iterator[Conversation]:
    n = data.notable
    # Planted calls written out line by line (tests/sandbox/test_planted_*.py check them).
    planted = (n.slow_after_tool, n.barge_in, n.dead_air, n.talk_over, n.repeated_letters)
    scripted_elsewhere = {
        n.stress_call_id,
        n.secrets_call_id,
        n.injection_call_id,
        n.long_tool_description_call_id,
        n.html_injection.call_id,
        *(case.call_id for case in planted),
    }
    for record in data.calls:
        if record.call_id in scripted_elsewhere or not record.stages[0].messages:
            continue
        roles = [ROLE_OF[record.call["agent"]["name"]], "billing", "escalation"]
        yield Conversation(
            label=f"seed {data.seed} call {record.call_id}",
            roles=roles[: len(record.stages)],
            stages=[_from_messages(list(s.messages[s.first_own :])) for s in record.stages],
            ended_normally=record.call["endReason"] in ("hangup", "agent_hangup"),
        )


def made_conversations(count: int = 600) -> Iterator[Conversation]:
    """Stages made directly: every role, 0 to 40 exchanges, failures, hand-overs, cut-offs."""
    rng = random.Random(2024)
    specs: list[tuple[AgentSpec, bool]] = [(s, True) for s in AGENT_SPECS]
    specs += [(s, False) for s in STAGE_TARGETS.values()]
    for k in range(count):
        spec, greeting = specs[k % len(specs)]
        caller = CALLERS[rng.randrange(len(CALLERS))]
        exchanges = rng.choice((1, 2, 3, 4, 5, 6, 7, 9, 12, 40))
        closing = rng.random() < 0.7
        switch = None
        if rng.random() < 0.3 and spec.role in ("front desk", "billing"):
            switch = "transferToBilling" if spec.role == "front desk" else "escalateToHuman"
        turns = plan_turns(
            random.Random(k),
            spec,
            caller,
            greeting=greeting,
            exchanges=exchanges,
            fail_tool=rng.random() < 0.3,
            switch_tool=switch,
            closing=closing,
        )
        lines: list[Line] = []
        for turn in turns:
            if turn.role == "TOOL":
                lines.append(Line("TOOL_CALL", turn.text, turn.tool))
                lines.append(Line("TOOL_RESULT", turn.result or "", turn.tool, bool(turn.error)))
            else:
                lines.append(Line(turn.role, turn.text))
        yield Conversation(
            label=f"made stage #{k} ({spec.role}, {exchanges} exchanges, switch {switch})",
            roles=[spec.role],
            stages=[lines],
            ended_normally=closing and switch is None,
            caller=caller,
            greeted=greeting,
        )


def all_conversations() -> list[Conversation]:
    found = [c for seed in SEEDS for c in dataset_conversations(generate_dataset(seed))]
    return found + list(made_conversations())


CONVERSATIONS = all_conversations()


def conversations(*roles: str) -> list[Conversation]:
    return [c for c in CONVERSATIONS if not roles or set(c.roles) & set(roles)]


def _next_agent(lines: list[Line], index: int) -> Line:
    return next(line for line in lines[index + 1 :] if line.role == "AGENT")


def _said(conversation: Conversation) -> str:
    return "\n".join(f"{line.role}: {line.text}" for line in conversation.lines)


def test_there_is_plenty_to_check() -> None:
    roles = {role for c in CONVERSATIONS for role in c.roles}
    assert roles == {"front desk", "billing", "survey", "reminders", "triage", "escalation"}
    assert len(CONVERSATIONS) > 800


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("front desk", "Brightsmile Dental"),
        ("billing", "billing"),
        ("survey", "survey"),
        ("reminders", "reminder"),
        ("triage", "after-hours"),
    ],
)
def test_the_greeting_fits_the_agent(role: str, words: str) -> None:
    for c in conversations(role):
        if c.roles[0] == role and c.greeted and c.stages[0]:
            first = c.stages[0][0]
            assert first.role == "AGENT", c.label
            assert words in first.text, c.label


def test_a_booking_confirms_a_slot_that_was_offered_or_asked_for_before_it() -> None:
    """E.g. the front desk never confirms a booking before it has talked about that slot."""
    confirmed = 0
    for c in conversations("front desk", "reminders"):
        for stage in c.stages:
            for index, line in enumerate(stage):
                if line.role != "AGENT":
                    continue
                for slot in OWN_BOOKING.findall(line.text):
                    earlier = " ".join(x.text for x in stage[:index]).lower()
                    assert slot.lower() in earlier, f"{c.label}: {slot}\n{_said(c)}"
                    confirmed += 1
    assert confirmed > 100


def test_the_agent_talks_about_what_its_tool_returned() -> None:
    for c in CONVERSATIONS:
        for stage in c.stages:
            for index, line in enumerate(stage):
                if line.role != "TOOL_RESULT" or line.failed or line.tool is None:
                    continue
                if TOOLS[line.tool].new_stage is not None:
                    continue
                answer = _next_agent(stage, index).text
                result = json.loads(line.text)
                where = f"{c.label}: {line.tool} {line.text} -> {answer}"
                if line.tool == "checkAvailability":
                    for slot in result["slots"]:
                        assert slot["start"].split(" at ")[1] in answer, where
                elif line.tool == "bookAppointment":
                    hour, minute = result["slotId"].split("-")[1][:2], result["slotId"][-2:]
                    assert f"{int(hour)}:{minute}" in answer, where
                    assert "booked" in answer or "moved" in answer, where
                elif line.tool == "lookupInvoice":
                    assert result["invoiceId"] in answer, where
                elif line.tool == "lookupPatient":
                    said = " ".join(x.text for x in stage[:index] if x.role == "USER")
                    assert result["fullName"] in said, where


def test_survey_answers_are_recorded_in_the_order_asked() -> None:
    texts = {q.number: q.asked.lower() for q in (*SURVEY, LAST_QUESTION)}
    recorded = 0
    for c in conversations("survey"):
        lines = c.stages[0]
        numbers: list[int] = []
        for index, line in enumerate(lines):
            if line.role != "TOOL_CALL":
                continue
            number = json.loads(line.text)["question"]
            if number in texts and number not in numbers:  # the agent asked it just before
                asked = next(x for x in reversed(lines[: index - 1]) if x.role == "AGENT")
                assert texts[number] in asked.text.lower(), f"{c.label}: {number}\n{_said(c)}"
            numbers.append(number)
            recorded += 1
        assert numbers == sorted(numbers), c.label
    assert recorded > 50


def test_a_failed_tool_is_followed_by_an_apology_and_the_caller_answers_it() -> None:
    failures = 0
    for c in CONVERSATIONS:
        for stage in c.stages:
            for index, line in enumerate(stage):
                if line.role == "TOOL_RESULT" and line.failed:
                    failures += 1
                    assert "sorry" in _next_agent(stage, index).text.lower(), c.label
                    later = [x for x in stage[index + 1 :] if x.role == "USER"]
                    if later and c.roles[0] == "front desk":
                        reply = later[0].text.lower()
                        assert "call me back" in reply or "try" in reply, f"{c.label}: {reply}"
    assert failures > 20


_LATIN = "A-Za-z\u00c0-\u024f"


def _mentions(text: str, name: str) -> bool:
    """``name`` in ``text`` as a word ("Kim", not "Kimberley"; "田中 花子です" counts)."""
    return re.search(rf"(?<![{_LATIN}]){re.escape(name)}(?![{_LATIN}])", text) is not None


def test_the_agent_names_only_the_caller_of_that_call() -> None:
    people = [caller_info(name) for name in CALLERS]
    for c in CONVERSATIONS:
        named = set()
        for line in c.lines:
            for person in people:
                if line.role == "AGENT" and _mentions(line.text, person.short):
                    named.add(person.full)
                if line.role in ("AGENT", "USER") and _mentions(line.text, person.full):
                    named.add(person.full)
        assert len(named) <= 1, f"{c.label}: {named}"
        if c.caller is not None:
            assert named <= {c.caller}, f"{c.label}: {named}"


def test_an_agent_answering_a_call_learns_the_name_before_using_it() -> None:
    for c in conversations("front desk", "billing", "triage"):
        if c.roles[0] not in ("front desk", "billing", "triage") or not c.greeted:
            continue
        callers = [caller_info(n) for n in CALLERS]
        heard: set[str] = set()
        for line in c.lines:
            if line.role == "USER":
                heard |= {p.full for p in callers if _mentions(line.text, p.full)}
            elif line.role == "AGENT":
                for person in callers:
                    if _mentions(line.text, person.short):
                        assert person.full in heard, f"{c.label}: {line.text}"


def test_nobody_says_the_same_line_twice_running() -> None:
    for c in CONVERSATIONS:
        last: dict[str, str] = {}
        previous = ""
        for line in c.lines:
            assert line.text != previous or line.role.startswith("TOOL"), c.label
            if line.role in ("AGENT", "USER"):
                assert last.get(line.role) != line.text, f"{c.label}: {line.text}"
                last[line.role] = line.text
            previous = line.text


def test_a_call_that_ended_normally_ends_with_a_goodbye_and_a_cut_one_does_not() -> None:
    for c in CONVERSATIONS:
        last_stage = c.stages[-1]
        if not last_stage:
            continue
        said = [line.text for line in last_stage if line.role == "AGENT"][-1]
        goodbye = any(word in said for word in GOODBYES)
        if c.ended_normally:
            assert goodbye, f"{c.label}: {said}"
        elif last_stage[-1].role == "AGENT":
            assert not goodbye, f"{c.label}: {said}"


def test_a_hand_over_follows_the_caller_raising_it_and_the_agent_announcing_it() -> None:
    handed = 0
    for c in CONVERSATIONS:
        for stage in c.stages:
            for index, line in enumerate(stage):
                if line.role != "TOOL_CALL" or TOOLS[line.tool or ""].new_stage is None:
                    continue
                handed += 1
                before = [x for x in stage[:index] if x.role in ("AGENT", "USER")]
                asked, announced = before[-2], before[-1]
                if line.tool == "transferToBilling":
                    assert "invoice" in asked.text, c.label
                    assert "billing" in announced.text, c.label
                else:
                    assert "x-rays" in asked.text or "supervisor" in asked.text, c.label
                    assert "hold" in announced.text.lower(), c.label
    assert handed > 20


def test_the_stress_call_loops_through_invoices_without_repeating_itself() -> None:
    messages = StressMessages("stage")[:1_200]
    last: dict[str, str] = {}
    for index, m in enumerate(messages):
        if m["role"] in ("MESSAGE_ROLE_AGENT", "MESSAGE_ROLE_USER"):
            assert last.get(m["role"]) != m["text"], index
            last[m["role"]] = m["text"]
        if m["role"] == "MESSAGE_ROLE_TOOL_CALL":
            invoice = json.loads(m["text"])["invoiceId"]
            assert invoice in messages[index - 1]["text"]  # the caller read it out
            assert invoice in messages[index + 2]["text"]  # the agent explains it


def test_the_words_keep_their_accents_cjk_and_emoji(sandbox_data: SandboxData) -> None:
    text = "".join(line.text for c in dataset_conversations(sandbox_data) for line in c.lines)
    for fragment in ("José", "Müller", "Zürich", "Danke schön", "予約", "田中さん", "😅", "👍"):
        assert fragment in text, fragment


# -- the random stream -----------------------------------------------------------------


def _reference_shape(
    rng: random.Random,
    spec: AgentSpec,
    *,
    greeting: bool,
    exchanges: int,
    fail_tool: bool,
    switch_tool: str | None,
) -> list[tuple[str, str | None]]:
    """The draws a stage has always made, in order, and the shape they give it."""
    shape: list[tuple[str, str | None]] = []
    if greeting:
        rng.randrange(4)
        shape.append(("AGENT", "MESSAGE_MEDIUM_VOICE"))
    usable = [t for t in spec.tools if TOOLS[t].new_stage is None]
    failed = False
    for _ in range(exchanges):
        rng.randrange(10)
        shape.append(("USER", "MESSAGE_MEDIUM_VOICE"))
        if usable and (rng.random() < 0.45 or (fail_tool and not failed)):
            name = usable[rng.randrange(len(usable))]
            for param, _, _ in TOOLS[name].params:
                if param == "question":
                    rng.randint(1, 5)
                elif param != "fullName":
                    rng.randint(1000, 9999)
            shape.append(("TOOL", name))
            if fail_tool and not failed:
                failed = True
                shape.append(("AGENT", "MESSAGE_MEDIUM_VOICE"))
                continue
        rng.randrange(8)
        medium: str | None = "MESSAGE_MEDIUM_VOICE"
        if rng.random() < 0.08:
            medium = "MESSAGE_MEDIUM_TEXT"
        elif rng.random() < 0.05:
            medium = None
        shape.append(("AGENT", medium))
    if switch_tool is not None:
        shape.append(("TOOL", switch_tool))
    return shape


def test_a_stage_makes_exactly_the_draws_it_always_made() -> None:
    """Words come after the shape: same draws, same order, same tools, same message count."""
    specs = [*AGENT_SPECS, *STAGE_TARGETS.values()]
    for k in range(400):
        spec = specs[k % len(specs)]
        options = random.Random(k)
        greeting = options.random() < 0.5
        exchanges = options.choice((0, 1, 2, 5, 7, 30))
        fail_tool = options.random() < 0.3
        switch_tool = options.choice((None, "transferToBilling", "escalateToHuman"))
        kwargs = {"greeting": greeting, "exchanges": exchanges, "fail_tool": fail_tool}
        ours, theirs = random.Random(1000 + k), random.Random(1000 + k)
        turns = plan_turns(
            ours,
            spec,
            "Anna Müller",
            greeting=greeting,
            exchanges=exchanges,
            fail_tool=fail_tool,
            switch_tool=switch_tool,
            closing=options.random() < 0.5,
        )
        expected = _reference_shape(
            theirs,
            spec,
            greeting=greeting,
            exchanges=exchanges,
            fail_tool=fail_tool,
            switch_tool=switch_tool,
        )
        got = [(t.role, t.tool if t.role == "TOOL" else t.medium) for t in turns]
        assert got == expected, (spec.role, kwargs, switch_tool)
        assert ours.getstate() == theirs.getstate(), (spec.role, kwargs, switch_tool)
