"""Extract the structure of the Ultravox response schemas the sandbox must honour.

    python scripts/extract_openapi_schemas.py [openapi.yaml] [out.json]

Reads the OpenAPI 3.0 document, follows the 200-response schemas of the GET endpoints the
project uses, collects every component schema reachable from them, and writes only the
validation-relevant keywords (no descriptions, examples or titles) as sorted, stable
JSON. Tests validate against this file, so they never need the shared reference folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ENDPOINTS = (
    "/api/accounts/me",
    "/api/agents",
    "/api/agents/{agent_id}",
    "/api/calls",
    "/api/calls/{call_id}",
    "/api/calls/{call_id}/events",
    "/api/calls/{call_id}/messages",
    "/api/calls/{call_id}/stages",
    "/api/calls/{call_id}/stages/{call_stage_id}",
    "/api/calls/{call_id}/stages/{call_stage_id}/messages",
    "/api/calls/{call_id}/stages/{call_stage_id}/tools",
    "/api/calls/{call_id}/tools",
    "/api/voices",
    "/api/voices/{voice_id}",
)

# Keywords that constrain a document's shape; everything else is prose.
KEEP = {
    "$ref",
    "additionalProperties",
    "allOf",
    "anyOf",
    "enum",
    "format",
    "items",
    "maxItems",
    "maxLength",
    "maximum",
    "minItems",
    "minLength",
    "minimum",
    "nullable",
    "oneOf",
    "pattern",
    "properties",
    "required",
    "type",
}
PREFIX = "#/components/schemas/"


def strip(schema: Any, refs: set[str]) -> Any:
    """Keep structural keywords only, noting every component referenced."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "$ref":
            refs.add(value.removeprefix(PREFIX))
            out[key] = value
        elif key == "properties":
            out[key] = {name: strip(sub, refs) for name, sub in value.items()}
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [strip(sub, refs) for sub in value]
        elif key in ("items", "additionalProperties"):
            out[key] = strip(value, refs)
        else:
            out[key] = value
    return out


def extract(document: dict[str, Any]) -> dict[str, Any]:
    components = document["components"]["schemas"]
    endpoints: dict[str, Any] = {}
    pending: set[str] = set()
    for path in ENDPOINTS:
        response = document["paths"][path]["get"]["responses"]["200"]
        schema = response["content"]["application/json"]["schema"]
        endpoints[f"GET {path}"] = strip(schema, pending)
    schemas: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name not in schemas:
            schemas[name] = strip(components[name], pending)
    info = document.get("info", {})
    return {
        "source": {"title": info.get("title"), "version": info.get("version")},
        "endpoints": endpoints,
        "schemas": schemas,
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1] if len(argv) > 1 else "../shared/ultravox-api/openapi.yaml")
    target = Path(argv[2] if len(argv) > 2 else "tests/openapi/ultravox_schemas.json")
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    result = extract(document)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False)
    target.write_text(text + "\n", encoding="utf-8")
    print(f"{len(result['schemas'])} schemas -> {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
