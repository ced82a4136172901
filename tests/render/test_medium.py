"""How a call connected, as one line: what a diagnosis needs, never a secret."""

from __future__ import annotations

import pytest

from ultravox_calls_mcp.render.medium import medium_lines


@pytest.mark.parametrize(
    ("medium", "line"),
    [
        ({"webRtc": {}}, "medium: web (WebRTC, Ultravox client SDK)"),
        ({"twilio": {}}, "medium: phone via Twilio"),
        (
            {"twilio": {"outgoing": {"to": "+14155552671", "from": "+14155550000"}}},
            "medium: phone via Twilio (outbound, dialled by Ultravox to +14155552671 "
            "from +14155550000)",
        ),
        (
            {"telnyx": {"dtmfHandling": {"ignore": True}}},
            "medium: phone via Telnyx (DTMF ignored)",
        ),
        ({"sip": {"incoming": {}}}, "medium: phone (SIP, inbound)"),
        (
            {
                "sip": {
                    "outgoing": {
                        "to": "sip:desk:hunter2@pbx.example.com;transport=tls?X-Token=abc",
                        "from": "sips:agent@voice.example",
                        "username": "trunk-user",
                        "password": "hunter2",
                    }
                }
            },
            "medium: phone (SIP, outbound to sip:desk@pbx.example.com from "
            "sips:agent@voice.example, SIP credentials set)",
        ),
        (
            {"serverWebSocket": {"inputSampleRate": 8000, "clientBufferSizeMs": 30000}},
            "medium: server WebSocket (input 8,000 Hz, client buffer 30,000 ms)",
        ),
        ({"serverWebSocket": {}}, "medium: server WebSocket"),
        ({"carrierPigeon": {"apiKey": "k-123"}}, "medium: carrierPigeon"),
    ],
)
def test_medium_line(medium: object, line: str) -> None:
    assert medium_lines(medium, None) == [line]


def test_no_medium_no_line_and_a_sip_leg_says_how_it_ended() -> None:
    assert medium_lines(None, None) == []
    assert medium_lines({}, None) == []
    details = {"terminationReason": "SIP_TERMINATION_BYE", "billedDuration": "12.5s"}
    assert medium_lines({"sip": {"incoming": {}}}, details) == [
        "medium: phone (SIP, inbound)",
        "sip: termination BYE · billed 12.5s",
    ]


def test_plivo_extra_request_parameters_are_never_shown() -> None:
    medium = {"plivo": {"outgoing": {"to": "+33100000000", "additionalParams": {"k": "v"}}}}
    assert medium_lines(medium, None) == [
        "medium: phone via Plivo (outbound, dialled by Ultravox to +33100000000)"
    ]
