"""``ultravox-calls-mcp doctor``: check the set-up the way a new user needs it checked.

One line per check, ``✓``/``✗`` and what to do about a failure:

- the API key is set (its length is shown, never a character of it);
- the base URL answers like the Ultravox API, and accepts the key
  (one ``GET /api/accounts/me`` through ``UltravoxClient.get_account``);
- the audit cache directory can be created and written, exactly as the server opens it.

Exit codes for scripts and CI: 0 all passed, 1 a check failed, 2 the configuration
itself is unusable (no key, a malformed variable).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from ultravox_calls_mcp.config import (
    API_KEY_ENV,
    BASE_URL_ENV,
    CACHE_DIR_ENV,
    CACHE_ENV,
    DEFAULT_BASE_URL,
    ConfigError,
    Settings,
)

if TYPE_CHECKING:
    import httpx2

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# A doctor should answer in seconds: one retry, and a short overall deadline.
_DEADLINE_SECONDS = 15.0
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Check:
    """One line of the report. ``ok`` None: not run, because an earlier check failed."""

    ok: bool | None
    name: str
    detail: str
    advice: str = ""


def main(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    sandbox = bool(getattr(args, "sandbox", False))
    try:
        settings, transport = _settings(sandbox, args.max_chars, environ)
    except ConfigError as exc:
        _report([Check(False, "configuration", str(exc), "fix or unset that variable")])
        return EXIT_USAGE
    key = _key_check(settings, sandbox)
    if settings.api_key is None:
        skipped = Check(None, _api_label(settings, sandbox), "not checked without a key")
        checks = [skipped, key, _cache_check(settings)]
        _report(checks)
        return EXIT_USAGE
    import anyio

    checks = [*anyio.run(_api_checks, settings, transport, key, sandbox), _cache_check(settings)]
    _report(checks)
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAILED


def _settings(
    sandbox: bool, max_chars: int | None, environ: Mapping[str, str] | None
) -> tuple[Settings, httpx2.AsyncBaseTransport | None]:
    overrides: dict[str, object] = {}
    if max_chars is not None:
        overrides["max_chars"] = max_chars
    if sandbox:
        from ultravox_calls_mcp.sandbox import in_process_sandbox

        return in_process_sandbox(os.environ if environ is None else environ, **overrides)
    settings = Settings.from_env(environ, **overrides)
    deadline = min(settings.request_deadline, _DEADLINE_SECONDS)
    return settings.model_copy(update={"request_deadline": deadline}), None


def _key_check(settings: Settings, sandbox: bool) -> Check:
    if sandbox:
        return Check(True, "API key", "the sandbox's built-in key")
    if settings.api_key is None:
        return Check(
            False,
            "API key",
            f"{API_KEY_ENV} is not set",
            f"set {API_KEY_ENV} to a key from the Ultravox console (Settings → API keys); "
            'desktop apps need it in the server\'s "env" block; or try --sandbox',
        )
    return Check(True, "API key", f"{API_KEY_ENV} set ({len(settings.api_key)} chars)")


async def _api_checks(
    settings: Settings, transport: httpx2.AsyncBaseTransport | None, key: Check, sandbox: bool
) -> list[Check]:
    from ultravox_calls_mcp.api import errors
    from ultravox_calls_mcp.api.client import UltravoxClient
    from ultravox_calls_mcp.api.retry import RetryPolicy

    api = _api_label(settings, sandbox)
    fix_url = (
        f"check {BASE_URL_ENV} (unset it to use {DEFAULT_BASE_URL}), "
        "and any proxy or firewall between you and it"
    )
    policy = RetryPolicy(max_attempts=2, max_delay=1.0)
    try:
        async with UltravoxClient(settings, transport=transport, retry_policy=policy) as client:
            account = await client.get_account()
    except errors.PermissionDeniedError:
        return [
            Check(True, api, "reachable"),
            _failed_key(
                key,
                "known to Ultravox but may not read the account (HTTP 403)",
                "use a key of the account whose calls you want to read",
            ),
        ]
    except errors.AuthenticationError:
        return [
            Check(True, api, "reachable"),
            _failed_key(
                key,
                "rejected by Ultravox (HTTP 401)",
                "copy the key again from the Ultravox console, whole, without quotes "
                "or spaces; a deleted or rotated key stops working at once",
            ),
        ]
    except errors.RateLimitedError:
        return [
            Check(True, api, "reachable"),
            _failed_key(
                key,
                "not checked: Ultravox asked us to slow down (HTTP 429)",
                "wait a minute and run doctor again",
            ),
        ]
    except errors.UpstreamUnavailableError as exc:
        why = "timed out" if isinstance(exc, errors.UpstreamTimeoutError) else "cannot connect"
        return [Check(False, api, why, fix_url), _not_checked(key)]
    except (errors.NotFoundError, errors.InvalidResponseError, errors.InvalidRequestError):
        return [
            Check(False, api, "answers, but not like the Ultravox API", fix_url),
            _not_checked(key),
        ]
    except errors.UltravoxError as exc:
        status = f" (HTTP {exc.status_code})" if exc.status_code else ""
        return [
            Check(False, api, f"failed{status}", "try again later; Ultravox may be having trouble"),
            _not_checked(key),
        ]
    name = _CONTROL.sub("", account.name or "")[:60]
    accepted = f"{key.detail}, accepted" + (f" (account {name!r})" if name else "")
    return [Check(True, api, "reachable"), Check(True, key.name, accepted)]


def _api_label(settings: Settings, sandbox: bool) -> str:
    where = "in-process sandbox" if sandbox else _display_url(settings.base_url)
    return f"Ultravox API at {where}"


def _failed_key(key: Check, detail: str, advice: str) -> Check:
    return Check(False, key.name, f"{key.detail}, {detail}", advice)


def _not_checked(key: Check) -> Check:
    return Check(None, key.name, f"{key.detail}; not checked, the API was not reachable")


def _display_url(url: str) -> str:
    # Credentials written into a URL are as secret as the key: show the origin only.
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _cache_check(settings: Settings) -> Check:
    from ultravox_calls_mcp.audit.cache import CallCache
    from ultravox_calls_mcp.audit.runtime import cache_plan

    plan = cache_plan(settings)
    if not plan.enabled:
        return Check(True, "audit cache", f"off ({CACHE_ENV})")
    if plan.directory is None:
        return Check(True, "audit cache", "in memory")
    try:
        # Opened exactly as an audit opens it: creates the directory and the database.
        CallCache.open(plan.directory, max_bytes=settings.cache_max_bytes).close()
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return Check(
            False,
            "audit cache",
            f"{plan.directory} is not writable ({reason})",
            f"point {CACHE_DIR_ENV} at a writable directory, or set {CACHE_ENV}=off "
            "(audits then re-read every call)",
        )
    return Check(True, "audit cache", f"{plan.directory} is writable")


def _report(checks: list[Check], out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    marks = _marks(stream)
    for check in checks:
        mark = marks[check.ok]
        line = f"{mark} {check.name}: {check.detail}"
        if check.advice and not check.ok:
            line += f" → {check.advice}" if marks[True] == "✓" else f" -> {check.advice}"
        print(line, file=stream)
    failed = sum(1 for c in checks if c.ok is False)
    if failed:
        print(f"{failed} check{'s' if failed > 1 else ''} failed.", file=stream)
    elif all(c.ok for c in checks):
        print("All checks passed.", file=stream)


def _marks(stream: TextIO) -> dict[bool | None, str]:
    # A Windows console may not encode ✓/✗; fall back to words there.
    try:
        "✓✗–→".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return {True: "OK", False: "FAIL", None: "SKIP"}
    return {True: "✓", False: "✗", None: "–"}
