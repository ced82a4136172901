"""How a call was connected, as someone debugging it wants to read it — never its secrets.

``{"sip": {"outgoing": {"to": "sip:desk@pbx.example", "password": "…"}}}`` reads
``phone (SIP, outbound to sip:desk@pbx.example, SIP credentials set)``; a WebSocket call
reads with its sample rates. Passwords, user names, SIP URI parameters and headers and a
carrier's extra request parameters are left out: they help no diagnosis and may be keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ultravox_calls_mcp.render.fmt import number, parse_seconds, plain, short_enum
from ultravox_calls_mcp.render.text import one_line

__all__ = ["medium_lines"]

_CARRIERS = {"twilio": "Twilio", "telnyx": "Telnyx", "plivo": "Plivo", "exotel": "Exotel"}
# A SIP URI's parameters (";transport=tls") and headers ("?X-Token=…") end its address.
_URI_TAIL = re.compile(r"[;?]")


def _address(value: object) -> str | None:
    """A phone number or SIP URI, without a password, parameters or headers."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _URI_TAIL.split(one_line(value), maxsplit=1)[0]
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips", "tel"):
        scheme, colon, rest = "", "", text
    if "@" in rest:
        user, _, host = rest.rpartition("@")
        rest = f"{user.split(':', 1)[0]}@{host}"  # "user:password@host" keeps the user
    return plain(f"{scheme}{colon}{rest}", 80)


def _route(direction: str, config: Mapping[str, object]) -> str:
    parts = [direction]
    to, sender = _address(config.get("to")), _address(config.get("from"))
    if to:
        parts.append(f"to {to}")
    if sender:
        parts.append(f"from {sender}")
    return " ".join(parts)


def _dtmf(config: Mapping[str, object]) -> str | None:
    dtmf = config.get("dtmfHandling")
    if isinstance(dtmf, Mapping) and dtmf.get("ignore") is True:
        return "DTMF ignored"
    return None


def _phone(carrier: str, config: Mapping[str, object]) -> str:
    outgoing = config.get("outgoing")
    facts = []
    if isinstance(outgoing, Mapping):
        facts.append(_route("outbound, dialled by Ultravox", outgoing))
    facts.append(_dtmf(config) or "")
    shown = ", ".join(f for f in facts if f)
    return f"phone via {carrier} ({shown})" if shown else f"phone via {carrier}"


def _sip(config: Mapping[str, object]) -> str:
    facts = ["SIP"]
    for direction in ("incoming", "outgoing"):
        leg = config.get(direction)
        if isinstance(leg, Mapping):
            facts.append(_route("inbound" if direction == "incoming" else "outbound", leg))
            if leg.get("username") or leg.get("password"):
                facts.append("SIP credentials set")
    return f"phone ({', '.join(facts)})"


def _hertz(value: object) -> str | None:
    return f"{number(value)} Hz" if isinstance(value, int) and not isinstance(value, bool) else None


def _websocket(config: Mapping[str, object]) -> str:
    facts = [
        f"input {rate}" if (rate := _hertz(config.get("inputSampleRate"))) else None,
        f"output {rate}" if (rate := _hertz(config.get("outputSampleRate"))) else None,
    ]
    buffer = config.get("clientBufferSizeMs")
    if isinstance(buffer, int) and not isinstance(buffer, bool):
        facts.append(f"client buffer {number(buffer)} ms")
    shown = ", ".join(f for f in facts if f)
    return f"server WebSocket ({shown})" if shown else "server WebSocket"


def _one(kind: str, config: object) -> str:
    settings: Mapping[str, object] = config if isinstance(config, Mapping) else {}
    if kind == "webRtc":
        return "web (WebRTC, Ultravox client SDK)"
    if kind == "serverWebSocket":
        return _websocket(settings)
    if kind == "sip":
        return _sip(settings)
    if kind in _CARRIERS:
        return _phone(_CARRIERS[kind], settings)
    return plain(kind, 40) or "?"  # a medium newer than this code: its name only


def medium_lines(medium: object, sip_details: Mapping[str, object] | None) -> list[str]:
    """``medium: phone (SIP, inbound)`` and, for SIP calls, how the SIP leg ended."""
    lines = []
    if isinstance(medium, Mapping) and medium:
        lines.append("medium: " + "; ".join(_one(str(k), v) for k, v in medium.items()))
    if sip_details:
        reason = sip_details.get("terminationReason")
        billed = parse_seconds(str(sip_details.get("billedDuration") or ""))
        sip = [
            f"termination {short_enum(plain(str(reason), 60), 'SIP_TERMINATION_')}"
            if reason
            else None,
            f"billed {billed:.1f}s" if billed is not None else None,
        ]
        if any(sip):
            lines.append("sip: " + " · ".join(s for s in sip if s))
    return lines
