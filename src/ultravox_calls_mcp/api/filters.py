"""Filters of ``GET /api/calls``, validated and written as query parameters."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import InvalidRequestError

# Metadata keys become part of a parameter name ("metadata.<key>"), so they are
# held to a plain charset: no '&', '=', '[', spaces or anything else with meaning.
_METADATA_KEY = re.compile(r"[A-Za-z0-9_\-:]{1,64}")
_SORT = re.compile(r"-?[A-Za-z_][A-Za-z0-9_.]{0,63}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _date_or_datetime(value: Any) -> Any:
    # "2024-05-01" must stay a date: the API reads a bare date in toDate as the
    # end of that day, which a midnight datetime would silently change.
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


DateOrDateTime = Annotated[datetime | date, BeforeValidator(_date_or_datetime)]


class CallFilters(BaseModel):
    """Every filter of the call list. Times are the call's creation time."""

    # Built on first use, like the wire models (see models.py).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    search: str | None = Field(default=None, min_length=1, max_length=500)
    from_date: DateOrDateTime | None = None
    to_date: DateOrDateTime | None = None
    time_of_day_start: time | None = None
    time_of_day_end: time | None = None
    # Seconds; sent as e.g. "90s".
    duration_min: float | None = Field(default=None, ge=0, le=10 * 24 * 3600)
    duration_max: float | None = Field(default=None, ge=0, le=10 * 24 * 3600)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=20)
    voice_id: UUID | None = None
    agent_ids: list[UUID] = Field(default_factory=list, max_length=50)
    sort: str | None = None

    @classmethod
    def parse(cls, **values: object) -> CallFilters:
        """Build filters from loose input, raising our InvalidRequestError on bad values."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'filters'}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)[:5]
            )
            raise InvalidRequestError(f"Invalid call filters: {problems}.") from None

    @field_validator("search")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL.search(value):
            raise ValueError("must not contain control characters")
        return value

    @field_validator("metadata")
    @classmethod
    def _safe_metadata(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not _METADATA_KEY.fullmatch(key):
                raise ValueError(
                    "metadata keys may hold only letters, digits, '_', '-' and ':' "
                    "(1-64 characters)"
                )
            if len(item) > 500 or _CONTROL.search(item):
                raise ValueError("metadata values must be plain text of at most 500 characters")
        return value

    @field_validator("sort")
    @classmethod
    def _safe_sort(cls, value: str | None) -> str | None:
        if value is not None and not _SORT.fullmatch(value):
            raise ValueError("sort must be a field name such as 'created' or '-created'")
        return value

    @field_validator("time_of_day_start", "time_of_day_end")
    @classmethod
    def _naive_time(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("time of day is compared without a time zone; drop the offset")
        return value

    @model_validator(mode="after")
    def _ranges_in_order(self) -> CallFilters:
        if (
            self.duration_min is not None
            and self.duration_max is not None
            and self.duration_min > self.duration_max
        ):
            raise ValueError("duration_min must not exceed duration_max")
        if self.from_date is not None and self.to_date is not None:
            start, end = _comparable(self.from_date), _comparable(self.to_date)
            if start is not None and end is not None and start > end:
                raise ValueError("from_date must not be after to_date")
        return self

    def to_query(self) -> list[tuple[str, str]]:
        """Query parameters in the API's names and formats, in a stable order."""
        query: list[tuple[str, str]] = []
        if self.search is not None:
            query.append(("search", self.search))
        if self.from_date is not None:
            query.append(("fromDate", self.from_date.isoformat()))
        if self.to_date is not None:
            query.append(("toDate", self.to_date.isoformat()))
        if self.time_of_day_start is not None:
            query.append(("timeOfDayStart", self.time_of_day_start.isoformat()))
        if self.time_of_day_end is not None:
            query.append(("timeOfDayEnd", self.time_of_day_end.isoformat()))
        if self.duration_min is not None:
            query.append(("durationMin", _seconds(self.duration_min)))
        if self.duration_max is not None:
            query.append(("durationMax", _seconds(self.duration_max)))
        query.extend((f"metadata.{key}", value) for key, value in sorted(self.metadata.items()))
        if self.voice_id is not None:
            query.append(("voiceId", str(self.voice_id)))
        query.extend(("agentIds", str(agent_id)) for agent_id in self.agent_ids)
        if self.sort is not None:
            query.append(("sort", self.sort))
        return query


def _seconds(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value)}s"
    # rstrip(".") too: 2.0001 rounds to "2.000", which must become "2s", not "2.s".
    return f"{value:.3f}".rstrip("0").rstrip(".") + "s"


def _comparable(value: date | datetime) -> date | None:
    # Compare calendar days only: mixing aware/naive datetimes and dates has no
    # single right answer, and the server re-checks anyway.
    return value.date() if isinstance(value, datetime) else value
