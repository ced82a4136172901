"""Render layer: pure functions from wire models to compact text a model can read.

Never calls the API and knows nothing of MCP. Every string that came from upstream passes
through ``text.clean`` and ``redact.redact_text`` (in that order, so an invisible character
cannot split a key and slip past redaction); free text a person or a tool produced is
folded with ``text.one_line`` or wrapped with ``text.fence``. Budgets and cut markers live
in ``budget``.
"""
