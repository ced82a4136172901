"""Query filters of ``GET /api/calls`` and ``GET /api/agents``, with DRF-style 400s.

Bad values answer 400 with a field map (``{"fromDate": ["Enter a valid date/time."]}``),
the way Django REST Framework reports filter validation errors.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from .data.model import CallRecord, Json
from .paging import PagingError


def bad(field: str, message: str) -> PagingError:
    return PagingError(400, {field: [message]})


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def parse_duration(text: str) -> float | None:
    """``"90s"``, ``"1.5s"``, ``"00:01:30"``, ``"1:30"`` or plain seconds ``"90"``."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?s?", text):
        return float(text.rstrip("s"))
    match = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)", text)
    if match:
        hours, minutes, secs = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    return None


def _datetime(field: str, text: str, *, end_of_day: bool) -> datetime:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
            return moment.replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as exc:
        raise bad(field, "Enter a valid date/time.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _time(field: str, text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise bad(
            field, "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
        ) from exc


def _uuid_list(field: str, values: list[str]) -> set[str]:
    found: set[str] = set()
    for value in values:
        for part in value.split(","):
            if not is_uuid(part.strip()):
                raise bad(field, f"“{part}” is not a valid UUID.")
            found.add(part.strip().lower())
    return found


def _call_sort_key(field: str) -> Callable[[CallRecord], Any] | None:
    keys: dict[str, Callable[[CallRecord], Any]] = {
        "created": lambda r: r.created,
        "joined": lambda r: r.call["joined"] or "",
        "ended": lambda r: r.call["ended"] or "",
        "duration": lambda r: r.duration_s if r.duration_s is not None else -1.0,
        "billedDuration": lambda r: r.duration_s if r.duration_s is not None else -1.0,
    }
    return keys.get(field)


def filter_calls(calls: list[CallRecord], params: QueryParams) -> list[CallRecord]:
    """Apply every filter in ``params``; unknown parameters are ignored, as DRF does."""
    result = list(calls)
    search = params.get("search", "").strip().casefold()
    if search:
        result = [r for r in result if search in _haystack(r)]
    if params.get("fromDate"):
        start = _datetime("fromDate", params["fromDate"], end_of_day=False)
        result = [r for r in result if r.created >= start]
    if params.get("toDate"):
        end = _datetime("toDate", params["toDate"], end_of_day=True)
        result = [r for r in result if r.created <= end]
    tod_start = _time("timeOfDayStart", params.get("timeOfDayStart") or "00:00:00")
    tod_end = _time("timeOfDayEnd", params.get("timeOfDayEnd") or "23:59:59.999999")
    if tod_start != time.min or tod_end != time(23, 59, 59, 999999):
        result = [r for r in result if _in_window(r.created.time(), tod_start, tod_end)]
    for field, keep_if in (("durationMin", _ge), ("durationMax", _le)):
        raw = params.get(field)
        if raw:
            limit = parse_duration(raw)
            if limit is None:
                raise bad(field, "Enter a valid duration.")
            result = [
                r for r in result if r.duration_s is not None and keep_if(r.duration_s, limit)
            ]
    for key, value in params.multi_items():
        if key.startswith("metadata.") and len(key) > len("metadata."):
            name = key[len("metadata.") :]
            result = [r for r in result if r.call["metadata"].get(name) == value]
    if params.get("voiceId"):
        voice = params["voiceId"]
        if not is_uuid(voice):
            raise bad("voiceId", "Enter a valid UUID.")
        result = [r for r in result if (r.call["voice"] or "").lower() == voice.lower()]
    agent_ids = params.getlist("agentIds")
    if agent_ids:
        wanted = _uuid_list("agentIds", agent_ids)
        result = [r for r in result if (r.call["agentId"] or "").lower() in wanted]
    return _sorted(result, params.get("sort", ""), _call_sort_key, default="-created")


def _ge(value: float, limit: float) -> bool:
    return value >= limit


def _le(value: float, limit: float) -> bool:
    return value <= limit


def _in_window(moment: time, start: time, end: time) -> bool:
    # A window like 22:00-06:00 wraps past midnight.
    if start <= end:
        return start <= moment <= end
    return moment >= start or moment <= end


def _haystack(record: CallRecord) -> str:
    call = record.call
    parts = [
        call["callId"],
        call["shortSummary"] or "",
        call["summary"] or "",
        call["agent"]["name"],
        *call["metadata"].values(),
    ]
    return "\n".join(parts).casefold()


T = TypeVar("T")


def _sorted(
    items: list[T],
    sort: str,
    key_for: Callable[[str], Callable[[T], Any] | None],
    *,
    default: str,
) -> list[T]:
    # DRF's OrderingFilter drops unknown fields; fall back to the default order then.
    for candidate in (*[s.strip() for s in sort.split(",") if s.strip()], default):
        key = key_for(candidate.lstrip("-"))
        if key is not None:
            return sorted(items, key=key, reverse=candidate.startswith("-"))
    return items


def _agent_sort_key(field: str) -> Callable[[Json], Any] | None:
    if field in ("name", "created"):
        return lambda a: a[field]
    return None


def filter_agents(agents: list[Json], params: QueryParams) -> list[Json]:
    search = params.get("search", "").strip().casefold()
    result = [a for a in agents if search in a["name"].casefold()] if search else list(agents)
    return _sorted(result, params.get("sort", ""), _agent_sort_key, default="-created")


SEVERITIES = ("debug", "info", "warning", "error")


def filter_events(events: list[Json], params: QueryParams) -> list[Json]:
    minimum = params.get("minimum_severity") or "info"
    if minimum not in SEVERITIES:
        raise bad("minimum_severity", f"“{minimum}” is not a valid choice.")
    floor = SEVERITIES.index(minimum)
    result = [e for e in events if SEVERITIES.index(e["severity"]) >= floor]
    kind = params.get("type")
    return [e for e in result if e["type"] == kind] if kind else result
