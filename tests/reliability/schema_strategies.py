"""Hypothesis strategies from JSON Schema: tool input schemas and the Ultravox OpenAPI extract.

Small on purpose: the keywords these schemas use (``$ref``, ``allOf``/``anyOf``/``oneOf``,
``enum``, types with bounds, ``format``, ``pattern``, properties, items), with sizes kept
small so examples stay fast. ``wild=True`` adds what real upstreams do that a schema does
not promise: unknown fields, and ``null`` where a value was expected.
"""

from __future__ import annotations

import json
import string
from datetime import UTC
from typing import Any

from hypothesis import strategies as st

from tests.sandbox.schema_check import EXTRACT, to_json_schema

# Any JSON value, small; what an "anything goes" schema ({}) or a wrong-typed argument gets.
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\u202e\u200b\x1b<>"),
    max_size=40,
)
_UNKNOWN_KEY = st.text(string.ascii_letters, min_size=1, max_size=12).map(lambda k: f"zz{k}")


class SchemaStrategies:
    def __init__(self, defs: dict[str, Any], *, wild: bool = False, max_depth: int = 6) -> None:
        self._defs = defs
        self._wild = wild
        self._max_depth = max_depth

    def build(self, schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
        strategy = self._build(schema if isinstance(schema, dict) else {}, depth)
        return strategy | st.none() if self._wild and depth > 0 else strategy

    def _build(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if depth > self._max_depth:
            return st.none()
        if "$ref" in schema:
            return self.build(self._defs[schema["$ref"].rsplit("/", 1)[-1]], depth + 1)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of([self.build(s, depth + 1) for s in schema[key]])
        if "allOf" in schema:  # the extract uses allOf only to wrap one $ref
            return self.build(schema["allOf"][0], depth + 1)
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self._build({**schema, "type": k}, depth) for k in kind])
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
        if kind == "number":
            return st.floats(
                schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            size = min(schema.get("maxItems", 3), 3)
            return st.lists(self.build(schema.get("items", {}), depth + 1), max_size=size)
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return JSON_VALUES

    def _string(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.uuids().map(str)
        if fmt == "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(
                lambda d: d.isoformat().replace("+00:00", "Z")
            )
        if fmt == "uri":
            return st.sampled_from(["https://api.ultravox.ai/api/x?cursor=abc", "https://x.test/"])
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: len(s) <= schema.get("maxLength", 10**9)
            )
        return _TEXT.map(lambda s: s[: schema.get("maxLength", 10**9)])

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        props: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", ()))
        base = st.fixed_dictionaries(
            {k: self.build(v, depth + 1) for k, v in props.items() if k in required},
            optional={k: self.build(v, depth + 1) for k, v in props.items() if k not in required},
        )
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not props:
            limit = min(schema.get("maxProperties", 3), 3)
            base = st.dictionaries(
                st.text(max_size=10), self.build(extra, depth + 1), max_size=limit
            )
        if not self._wild:
            return base
        unknown = st.dictionaries(_UNKNOWN_KEY, JSON_VALUES, max_size=2)
        return st.tuples(base, unknown).map(lambda pair: {**pair[1], **pair[0]})


def api_response(endpoint: str) -> st.SearchStrategy[Any]:
    """Payloads for a GET endpoint's 200 answer, valid and wild."""
    extract = _extract()
    defs = {name: to_json_schema(s) for name, s in extract["schemas"].items()}
    root = to_json_schema(extract["endpoints"][endpoint])
    return SchemaStrategies(defs).build(root) | SchemaStrategies(defs, wild=True).build(root)


def _extract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXTRACT.read_text(encoding="utf-8"))
    return data


def tool_arguments(input_schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid arguments for a tool, from its input schema."""
    args: st.SearchStrategy[dict[str, Any]] = SchemaStrategies(input_schema.get("$defs", {})).build(
        input_schema
    )
    return args


def wild_arguments(input_schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments with any JSON value under real and made-up parameter names."""
    names = [*input_schema.get("properties", {}), "page", "zzextra"]
    return st.dictionaries(st.sampled_from(names), JSON_VALUES | _TEXT, max_size=4)
