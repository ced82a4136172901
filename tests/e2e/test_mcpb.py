"""Anthropic's own validator accepts our MCPB manifest."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.clients import client_env, run_node

MANIFEST = Path(__file__).resolve().parents[2] / "manifests" / "manifest.json"


def test_mcpb_validate_accepts_the_bundle_manifest(tmp_path: Path) -> None:
    completed = run_node("mcpb", ["validate", str(MANIFEST)], client_env(tmp_path), timeout=60)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Manifest schema validation passes!" in output
    assert "ERROR" not in output
