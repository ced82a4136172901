"""Validate JSON against the extracted Ultravox OpenAPI schemas with jsonschema.

OpenAPI 3.0 is not JSON Schema: ``nullable: true`` becomes a union with ``null`` and
component ``$ref``s point into ``$defs``. Formats that matter (uuid, date-time, uri) are
checked with small stdlib checkers, so no optional jsonschema extras are needed.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

EXTRACT = Path(__file__).parent.parent / "openapi" / "ultravox_schemas.json"
_PREFIX = "#/components/schemas/"


def to_json_schema(schema: Any) -> Any:
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            out[key] = "#/$defs/" + value.removeprefix(_PREFIX)
        elif key == "properties":
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        elif key != "nullable":
            out[key] = to_json_schema(value)
    if schema.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


_checker = FormatChecker(formats=())


@_checker.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or (len(value) == 36 and bool(uuid.UUID(value)))


@_checker.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@_checker.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@cache
def _extract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXTRACT.read_text(encoding="utf-8"))
    return data


@cache
def validator(endpoint: str) -> Draft202012Validator:
    """A validator for the 200 response of ``endpoint`` (e.g. ``"GET /api/calls"``)."""
    extract = _extract()
    root = to_json_schema(extract["endpoints"][endpoint])
    root["$defs"] = {name: to_json_schema(s) for name, s in extract["schemas"].items()}
    return Draft202012Validator(root, format_checker=_checker)


def schema_errors(endpoint: str, url: str, document: Any) -> list[str]:
    """Every violation, each naming the endpoint, the URL and the path in the document."""
    problems = []
    for error in validator(endpoint).iter_errors(document):
        where = "/".join(str(p) for p in error.absolute_path) or "<root>"
        problems.append(f"{endpoint} ({url}) at {where}: {error.message[:300]}")
    return problems
