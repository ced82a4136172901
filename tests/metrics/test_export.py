"""The viewer's JSON, checked whole on the worked scenario of ``build.scenario_stages``."""

from __future__ import annotations

from tests.metrics.build import metrics_of, msg, scenario
from ultravox_calls_mcp.api.models import Message
from ultravox_calls_mcp.metrics import metrics_json, viewer_json


def test_metrics_json_of_the_scenario_is_exact() -> None:
    assert metrics_json(scenario()) == {
        # Turns sorted: −0.5, 0.5, 3.0, 7.0, 12.0 → p50 rank 3, p90 rank ⌈4.5⌉ = 5.
        "responseLatency": {
            "p50": 3.0,
            "p90": 12.0,
            "max": 12.0,
            "count": 5,
            "slow": 3,
            "unmeasured": 0,
        },
        "turns": [
            {
                "stage": 1,
                "index": 4,
                "userEnd": 5.0,
                "agentStart": 8.0,
                "latency": 3.0,
                "slow": True,
                "tools": ["lookupPatient"],
                "failedTools": ["lookupPatient"],
            },
            {
                "stage": 1,
                "index": 6,
                "userEnd": 11.0,
                "agentStart": 11.5,
                "latency": 0.5,
                "slow": False,
                "tools": [],
                "failedTools": [],
            },
            {
                "stage": 1,
                "index": 8,
                "userEnd": 16.0,
                "agentStart": 15.5,
                "latency": -0.5,
                "slow": False,
                "tools": [],
                "failedTools": [],
            },
            {
                "stage": 1,
                "index": 12,
                "userEnd": 19.0,
                "agentStart": 26.0,
                "latency": 7.0,
                "slow": True,
                "tools": ["bookSlot"],
                "failedTools": [],
            },
            {
                "stage": 2,
                "index": 4,
                "userEnd": 32.0,
                "agentStart": 44.0,
                "latency": 12.0,
                "slow": True,
                "tools": [],
                "failedTools": [],
            },
        ],
        "timeToFirstWord": 0.5,
        "bargeIns": [{"stage": 1, "index": 5, "time": 9.5, "overlap": 0.5}],
        "talkOvers": [{"stage": 1, "index": 8, "time": 15.5, "latency": -0.5}],
        "deadAir": [{"stage": 2, "afterIndex": 3, "start": 32.0, "end": 44.0, "seconds": 12.0}],
        "toolWaits": [
            {
                "stage": 1,
                "afterIndex": 10,
                "start": 19.5,
                "end": 25.75,
                "seconds": 6.25,
                "tool": "bookSlot",
            }
        ],
        # Span 0.5–45.0 = 44.5 s; speech covers 17.0 s of it (overlaps once).
        "talkShare": {
            "agentSeconds": 10.5,
            "userSeconds": 7.5,
            "silenceSeconds": 27.5,
            "agentPercent": 23.6,
            "userPercent": 16.9,
            "silencePercent": 61.8,
        },
        "toolLatency": [
            {
                "name": "bookSlot",
                "count": 1,
                "failures": 0,
                "noResult": 0,
                "p50": 5.75,
                "max": 5.75,
            },
            {
                "name": "lookupPatient",
                "count": 1,
                "failures": 1,
                "noResult": 0,
                "p50": 2.0,
                "max": 2.0,
            },
        ],
        "untimedMessages": 2,
    }


def test_viewer_json_carries_clock_span_thresholds_stages_and_tools() -> None:
    document = viewer_json(scenario())
    assert {k: v for k, v in document.items() if k not in ("tools", "metrics")} == {
        "clock": "input-audio clock",
        "span": {"start": 0.5, "end": 45.0},
        "thresholds": {"slowResponseSeconds": 2.0, "deadAirSeconds": 4.0},
        "stages": [
            {"number": 1, "stageId": "stage-1", "start": 0.5, "end": 28.0},
            {"number": 2, "stageId": "stage-2", "start": 29.0, "end": 45.0},
        ],
    }
    assert document["tools"] == [
        {
            "name": "lookupPatient",
            "invocationId": "i1",
            "stage": 1,
            "callIndex": 2,
            "resultIndex": 3,
            "start": 5.25,
            "end": 7.75,
            "failed": True,
        },
        {
            "name": "bookSlot",
            "invocationId": "i2",
            "stage": 1,
            "callIndex": 10,
            "resultIndex": 11,
            "start": 19.5,
            "end": 25.75,
            "failed": False,
        },
    ]
    assert document["metrics"] == metrics_json(scenario())


def test_json_rounds_to_milliseconds_and_redacts_upstream_names() -> None:
    metrics = metrics_of(
        [
            msg("user", 0.0, 1.0),
            Message.model_validate(
                {"role": "MESSAGE_ROLE_AGENT", "timespan": {"start": "1.33349s", "end": "2s"}}
            ),
            msg("call", 2.0, 2.5, tool="sk_live_4eC39HqLyjWDarjtT1zdp7dc", inv="a"),
        ]
    )
    document = viewer_json(metrics)
    assert document["metrics"]["turns"][0]["latency"] == 0.333
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" not in str(document)


def test_an_empty_call_exports_nulls_and_empty_lists() -> None:
    document = viewer_json(metrics_of([]))
    assert document["clock"] == "none"
    assert document["span"] is None
    assert document["stages"] == [{"number": 1, "stageId": "stage-1", "start": None, "end": None}]
    assert document["metrics"]["talkShare"] is None
    assert document["metrics"]["responseLatency"]["p50"] is None
