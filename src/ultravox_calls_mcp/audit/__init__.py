"""Audits across many calls: search transcripts, find problem calls, summarize.

Layers, each one direction only::

    cache.py     SQLite cache of ended calls' parts, keyed by origin + key fingerprint
    cache_file.py  its file, shared by several processes: WAL, retries, schema, recovery
    fetch.py     load one call's parts through the cache; the shared backoff gate
    scan.py      walk the call list, load calls with bounded concurrency, resume points
    search.py    pure: query → matches with snippets
    problems.py  pure: loaded calls → problem kinds
    summary.py   pure: loaded calls → aggregates per agent / end reason / day
    report.py    pure: results → text lines
    runtime.py   what one session shares (cache, gate), opened on first use

The tools themselves live in ``mcp/tools_search.py`` and ``mcp/tools_aggregates.py``.
"""
