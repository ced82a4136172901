"""Secrets never reach the model: secret-named fields, header values and key-shaped strings.

Two layers, because Ultravox carries secrets both in structure (``medium.sip.outgoing.password``,
``externalVoice.generic.headers``, ``callbacks.*.secrets``, ``joinUrl``) and in free text
(a caller reading an API key aloud, a tool echoing its bearer token into a result).
Redaction errs towards hiding: a redacted harmless value costs little, a leaked key a lot.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["REDACTED", "is_secret_key", "redact_json", "redact_text"]

REDACTED = "[redacted]"

# Field names are compared after lower-casing and dropping "_"/"-", so camelCase,
# snake_case and kebab-case spellings all match. A name matches when it IS or ENDS WITH one
# of these ("sipPassword", "clientSecret", "xApiKey"), which deliberately spares token
# *counts* such as "billedSideInputTokens" or "initialTokenCount".
_SECRET_NAME_ENDINGS = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "secrets",
    "token",
    "authtokens",
    "apikey",
    "apikeys",
    "accesskey",
    "authorization",
    "auth",
    "credential",
    "credentials",
    "privatekey",
    "signature",
    "cookie",
    "sessionid",
    "joinurl",  # a bearer link to the live call
)
_HEADERS_ENDING = "headers"

_KEY_CHARS = r"[A-Za-z0-9_\-]"
_NAME_WORDS = (
    r"pass(?:word|wd|phrase)?|pwd|secrets?|(?:access|auth|api|bearer|refresh|id|session)?"
    r"[_\-]?token|api[_\-]?keys?|apikey|access[_-]?key|authorization|credentials?"
    r"|private[_\-]?key|signature|client[_\-]?secret"
)
# name = value, name: value, "name": "value", 'name'='value'. The value stops at the
# closing quote when quoted, else at whitespace or a separator.
_PAIR = re.compile(
    rf"""(?ix)
    (?P<name>["']?(?<![A-Za-z0-9_\-]){_KEY_CHARS}{{0,40}}(?:{_NAME_WORDS})["']?\s*[:=]\s*
      (?>(?:(?:bearer|basic|token|digest)\s+)?))  # atomic: keep the scheme word visible
    (?!\[redacted\])
    (?P<value>"[^"\n]*"|'[^'\n]*'|[^\s"',;&}}\]]+)
    """
)
# Every name the pair pattern accepts holds one of these words.
_PAIR_NEEDLES = (
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "authorization",
    "credential",
    "signature",
)
_URL_USERINFO = re.compile(
    r"(?i)((?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]{0,30}://[^\s/:@]{0,256}:)[^\s/@]{1,512}(@)"
)
_URL_QUERY = re.compile(
    r"(?i)([?&;][a-z0-9_.\-]{0,40}(?:token|key|sig|signature|secret|password|passwd|auth|"
    r"credential|session)[a-z0-9_.\-]{0,40}=)[^&#\s\"'<>]+"
)


class _Rule(NamedTuple):
    """A text pattern and its replacement, behind a cheap guard: ``needles``, substrings of
    which every match contains at least one (looked for in the lower-cased text when
    ``fold``). Most speech holds none of them, and a substring test costs far less than a
    regex scan; a transcript page redacts hundreds of strings."""

    needles: tuple[str, ...]
    pattern: re.Pattern[str]
    replacement: str
    fold: bool = False


def _fold(text: str) -> str:
    """Text in which every letter a case-insensitive pattern takes for an ASCII letter
    reads as that letter: casefold() maps the Kelvin sign to "k" and the long s to "s";
    the dotless i, which re also takes for "i", it leaves alone, and the dotted capital
    I, which re takes for "i" too, it turns into "i" plus a combining dot."""
    return text.replace("İ", "i").casefold().replace("ı", "i")


_TEXT_RULES: tuple[_Rule, ...] = (
    # Ultravox API keys: <8 alphanumerics>.<32 alphanumerics>. Unanchored and greedy, so a
    # key glued to other letters is still swallowed whole. The look-behind starts matches
    # only where a run of letters starts, which keeps long runs linear rather than quadratic.
    # No needle: nearly every sentence holds its dot, so the pattern is its own guard.
    _Rule((), re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{8,}\.[A-Za-z0-9]{32,}"), REDACTED),
    # JWTs: the base64url of '{"' starts every header with "eyJ".
    _Rule(
        ("eyJ",),
        re.compile(r"\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*"),
        REDACTED,
    ),
    _Rule(
        ("bearer",),
        re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9\-._~+/]{8,}=*"),
        rf"\1\2{REDACTED}",
        fold=True,
    ),
    # "Basic" is an English word too: only a base64-looking run with a digit or padding.
    _Rule(
        ("Basic",),
        re.compile(r"\b(Basic)(\s+)(?=[A-Za-z+/]*[0-9+/=])[A-Za-z0-9+/]{12,}=*"),
        rf"\1\2{REDACTED}",
    ),
    # Vendor token shapes: OpenAI/Stripe-like sk-/pk_/rk_, GitHub, Slack, AWS, Google.
    _Rule(("k_", "k-"), re.compile(r"\b(?:sk|pk|rk)[_\-][A-Za-z0-9_\-]{16,}"), REDACTED),
    _Rule(("gh",), re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), REDACTED),
    _Rule(("xox",), re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"), REDACTED),
    _Rule(("AKIA", "ASIA"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), REDACTED),
    _Rule(("AIza",), re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), REDACTED),
    # Case-insensitive, but their needles are punctuation, which has no case.
    _Rule(("://",), _URL_USERINFO, rf"\1{REDACTED}\2"),
    _Rule(("=",), _URL_QUERY, rf"\1{REDACTED}"),
)


# Every guard in one scan per form of the text: most strings hold no needle and no key,
# and leave redact_text after three C-level scans instead of a loop over every rule.
_PLAIN_NEEDLES = re.compile(
    "|".join(re.escape(n) for rule in _TEXT_RULES if not rule.fold for n in rule.needles)
)
_FOLDED_NEEDLES = re.compile(
    "|".join(
        re.escape(n)
        for n in (*(n for rule in _TEXT_RULES if rule.fold for n in rule.needles), *_PAIR_NEEDLES)
    )
)
(_UNGUARDED,) = (rule.pattern for rule in _TEXT_RULES if not rule.needles)


def _normal_name(name: str) -> str:
    # Invisible format characters (a zero-width space in "api\u200bkey") and look-alike
    # letters must not hide a secret name: the name is shown cleaned, so it is judged so.
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    return _fold(visible).replace("_", "").replace("-", "").replace(" ", "")


def is_secret_key(name: str) -> bool:
    """Whether a field or header name says its value is a secret."""
    return _normal_name(name).endswith(_SECRET_NAME_ENDINGS)


def _redact_pair(match: re.Match[str]) -> str:
    value = match["value"]
    if value[0] in "'\"":
        return f"{match['name']}{value[0]}{REDACTED}{value[0]}"
    return match["name"] + REDACTED


def redact_text(text: str) -> str:
    """Replace key-shaped strings and ``name=secret`` pairs found anywhere in free text."""
    first_fold = _fold(text)
    if (
        _PLAIN_NEEDLES.search(text) is None
        and _FOLDED_NEEDLES.search(first_fold) is None
        and _UNGUARDED.search(text) is None
    ):
        return text
    # In order: each rule sees the text the rules before it left; the folded text is
    # reused until a rule changes the text.
    folded: str | None = first_fold
    for needles, pattern, replacement, fold in _TEXT_RULES:
        if needles:
            if fold:
                if folded is None:
                    folded = _fold(text)
                haystack = folded
            else:
                haystack = text
            if not any(needle in haystack for needle in needles):
                continue
        redacted = pattern.sub(replacement, text)
        if redacted != text:
            text, folded = redacted, None
    # The pair pattern is the slowest; most speech never names a secret, so look first.
    if folded is None:
        folded = _fold(text)
    if any(needle in folded for needle in _PAIR_NEEDLES):
        return _PAIR.sub(_redact_pair, text)
    return text


def _hide(value: object) -> object:
    # Absence is not a secret: None, empty values and booleans ("requiresAuth": true) stay.
    if value is None or isinstance(value, bool) or value in ("", [], {}):
        return value
    return REDACTED


def _redact_static_parameter(item: Mapping[str, object]) -> dict[str, object]:
    # Tool static parameters are {name, location, value}: the secret is told by the name
    # (or by travelling in a header), not by the key "value".
    out = {str(k): redact_json(v) for k, v in item.items()}
    name = item.get("name")
    location = str(item.get("location", ""))
    if "value" in out and (
        (isinstance(name, str) and is_secret_key(name)) or location.endswith("HEADER")
    ):
        out["value"] = _hide(item["value"])
    return out


def redact_json(value: object) -> object:
    """A deep copy of a JSON-like value with every secret replaced by ``REDACTED``."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list | tuple):
        return [redact_json(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    if "name" in value and "value" in value and "location" in value:
        return _redact_static_parameter(value)
    out: dict[str, object] = {}
    for raw_key, item in value.items():
        key = str(raw_key)
        if is_secret_key(key):
            out[key] = _hide(item)
        elif _normal_name(key).endswith(_HEADERS_ENDING) and isinstance(item, Mapping):
            # Header names help debugging; any header value may be a credential.
            out[key] = {str(name): _hide(v) for name, v in item.items()}
        else:
            out[key] = redact_json(item)
    return out
