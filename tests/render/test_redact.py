from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from ultravox_calls_mcp.api.models import Call
from ultravox_calls_mcp.render.redact import REDACTED, is_secret_key, redact_json, redact_text

API_KEY = "Zk9Ab3Cd.abcdefghijklmnopqrstuvwxyzABCDEF"
ALNUM = string.ascii_letters + string.digits


def test_redact_text_hides_an_ultravox_key_read_out_in_a_transcript() -> None:
    assert redact_text(f"my key is {API_KEY}, thanks") == "my key is [redacted], thanks"


@given(
    st.text(),
    st.text(alphabet=ALNUM, min_size=8, max_size=8),
    st.text(alphabet=ALNUM, min_size=32, max_size=32),
    st.text(),
)
def test_redact_text_removes_any_key_shaped_string_embedded_in_text(
    before: str, prefix: str, secret: str, after: str
) -> None:
    out = redact_text(f"{before}{prefix}.{secret}{after}")
    assert f"{prefix}.{secret}" not in out
    assert secret not in out


def test_redact_text_hides_bearer_and_basic_credentials_but_keeps_the_scheme() -> None:
    assert redact_text("Authorization: Bearer abc.def-ghijklmnop") == (
        "Authorization: Bearer [redacted]"
    )
    assert redact_text("Authorization: Basic dXNlcjpwYXNzd29yZA==") == (
        "Authorization: Basic [redacted]"
    )


def test_redact_text_leaves_ordinary_speech_alone() -> None:
    speech = "I need basic information; the token expired and my password is old."
    assert redact_text(speech) == speech


def test_redact_text_hides_vendor_tokens_and_jwts() -> None:
    text = (
        "sk-proj-abcdefghijklmnopqrstuv ghp_abcdefghijklmnopqrstuvwxyz0123 "
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123"
    )
    assert redact_text(text) == "[redacted] [redacted] [redacted]"


def test_redact_text_hides_secret_pairs_in_json_and_query_strings() -> None:
    assert redact_text('{"password":"hunter2","api_key": 1234, "max_tokens": 100}') == (
        '{"password":"[redacted]","api_key": [redacted], "max_tokens": 100}'
    )
    assert redact_text("secret: s3cr3t; user=bob") == "secret: [redacted]; user=bob"


def test_redact_text_hides_url_passwords_and_signed_query_values() -> None:
    url = "https://bob:s3cret@example.com/cb?token=abc&page=2&X-Amz-Signature=ff00"
    assert redact_text(url) == (
        "https://bob:[redacted]@example.com/cb?token=[redacted]&page=2&X-Amz-Signature=[redacted]"
    )


def test_redact_text_is_idempotent() -> None:
    once = redact_text(f'password="x" Bearer abcdefghijk {API_KEY} secret=[redacted]')
    assert redact_text(once) == once


def test_is_secret_key_matches_camel_and_snake_case_but_spares_token_counts() -> None:
    assert all(map(is_secret_key, ["password", "apiKey", "X-Api-Key", "client_secret", "joinUrl"]))
    assert not any(map(is_secret_key, ["billedSideInputTokens", "initialTokenCount", "username"]))


def test_redact_json_hides_sip_password_and_generic_tts_headers() -> None:
    call = Call.model_validate(
        {
            "callId": "c1",
            "medium": {
                "sip": {
                    "outgoing": {
                        "to": "sip:desk@pbx.example.com",
                        "username": "ultravox",
                        "password": "hunter2",
                    }
                }
            },
            "externalVoice": {
                "generic": {
                    "url": "https://tts.example.com/v1",
                    "headers": {"X-Api-Key": "tts-key", "Accept": "audio/wav"},
                }
            },
        }
    )
    assert redact_json(call.medium) == {
        "sip": {
            "outgoing": {
                "to": "sip:desk@pbx.example.com",
                "username": "ultravox",
                "password": REDACTED,
            }
        }
    }
    assert redact_json(call.external_voice) == {
        "generic": {
            "url": "https://tts.example.com/v1",
            "headers": {"X-Api-Key": REDACTED, "Accept": REDACTED},
        }
    }


def test_redact_json_hides_callback_secrets_data_connection_headers_and_join_url() -> None:
    wire = {
        "joinUrl": "wss://voice.ultravox.ai/calls/c1/join",
        "callbacks": {"ended": {"url": "https://hooks.example.com/end", "secrets": ["s1", "s2"]}},
        "dataConnectionConfig": {"websocketUrl": "wss://d", "headers": {"Authorization": "x"}},
        "voiceOverrides": {"generic": {"headers": {"xi-api-key": "k"}}},
        "sharedSecrets": ["s3"],
        "requiresAuth": True,
    }
    assert redact_json(wire) == {
        "joinUrl": REDACTED,
        "callbacks": {"ended": {"url": "https://hooks.example.com/end", "secrets": REDACTED}},
        "dataConnectionConfig": {"websocketUrl": "wss://d", "headers": {"Authorization": REDACTED}},
        "voiceOverrides": {"generic": {"headers": {"xi-api-key": REDACTED}}},
        "sharedSecrets": REDACTED,
        "requiresAuth": True,
    }


def test_redact_json_hides_secret_static_parameters_of_a_tool_but_not_plain_ones() -> None:
    definition = {
        "http": {"baseUrlPattern": "https://api.example.com/book", "authHeaders": ["X-Key"]},
        "staticParameters": [
            {"name": "apiKey", "location": "PARAMETER_LOCATION_QUERY", "value": "k1"},
            {"name": "X-Tenant", "location": "PARAMETER_LOCATION_HEADER", "value": "t1"},
            {"name": "region", "location": "PARAMETER_LOCATION_BODY", "value": "eu"},
        ],
    }
    out = redact_json(definition)
    assert isinstance(out, dict)
    assert [p["value"] for p in out["staticParameters"]] == [REDACTED, REDACTED, "eu"]
    assert out["http"] == definition["http"]


def test_redact_json_runs_text_redaction_over_every_other_string() -> None:
    assert redact_json({"note": f"key {API_KEY}", "n": [1, None, "Bearer abcdefghijkl"]}) == {
        "note": "key [redacted]",
        "n": [1, None, "Bearer [redacted]"],
    }


def test_redact_json_does_not_change_its_input() -> None:
    wire = {"password": "p", "nested": {"token": "t"}}
    redact_json(wire)
    assert wire == {"password": "p", "nested": {"token": "t"}}


def test_redact_text_handles_long_pathological_runs_and_is_stable_on_them() -> None:
    # Shapes that once sent unanchored patterns quadratic (benchmarks/redaction.py shows
    # the time stays linear); here, what comes back: untouched where nothing is secret,
    # and a second pass changes nothing.
    harmless = ["a" * 200_000, "a." * 100_000, "://" * 100_000, "&key" * 50_000]
    for text in harmless:
        assert redact_text(text) == text
    pairs = redact_text("token=" * 50_000)
    assert REDACTED in pairs
    assert redact_text(pairs) == pairs


# Pieces that come close to every rule's needle and pattern, mixed with ordinary speech.
_NEAR_SECRETS = [
    API_KEY,
    "eyJhbGciOi.eyJzdWIiOjE.c2ln",
    "Bearer abcdefgh12345678",
    "BEARER xyz.123456789",
    "Basic dXNlcjpwYXNzd29yZA==",
    "sk-live0123456789abcdefXYZ",
    "pk_0123456789abcdefgh",
    "ghp_0123456789abcdefghijABCD",
    "xoxb-0123456789-abc",
    "AKIAABCDEFGHIJKLMNOP",
    "AIza" + "x" * 35,
    "https://user:hunter22@host.example/path",
    "?token=abc&sig=def",
    "api_key=shh",
    "K",  # the Kelvin sign folds to "k" under re.IGNORECASE
    "\u0130",  # İ lower-cases to two characters
    "pa\u017f\u017fword=hunter2",  # re takes the long s for "s"
    "s\u0131gnature=abc",  # and the dotless i for "i"
    "credent\u0130als=abc123",  # and the dotted capital I for "i" as well
    "author\u0130zation: hunter2",
    "Thanks, I'll call back.",
    " ",
    "=",
    ".",
]


@given(st.lists(st.sampled_from(_NEAR_SECRETS) | st.text(max_size=12), max_size=12))
def test_rule_guards_never_skip_a_pattern_that_would_have_matched(parts: list[str]) -> None:
    # The guards are a speed-up only: applying every pattern unconditionally must give
    # the same text.
    from ultravox_calls_mcp.render import redact

    text = "".join(parts)
    unguarded = text
    for rule in redact._TEXT_RULES:
        unguarded = rule.pattern.sub(rule.replacement, unguarded)
    unguarded = redact._PAIR.sub(redact._redact_pair, unguarded)
    assert redact_text(text) == unguarded


def test_a_dotted_capital_i_does_not_hide_a_secret_name() -> None:
    # re matches "İ" where a case-insensitive pattern says "i"; casefold() alone would
    # make it two characters and the name would not be looked for.
    for text in ("credent\u0130als=abc123", "s\u0130gnature=abcdef", "author\u0130zation: hunter2"):
        redacted = redact_text(text)
        assert REDACTED in redacted, text
        assert "abc123" not in redacted
        assert "abcdef" not in redacted
        assert "hunter2" not in redacted


def test_an_invisible_character_in_a_field_name_does_not_hide_a_secret_name() -> None:
    from ultravox_calls_mcp.render.redact import is_secret_key, redact_json

    assert is_secret_key("api\u200bkey")
    assert is_secret_key("pass\u200dword")
    redacted = redact_json({"api\u200bkey": "hunter2secretvalue", "headers\u200b": {"X": "v"}})
    assert "hunter2secretvalue" not in repr(redacted)
    assert "'v'" not in repr(redacted)
