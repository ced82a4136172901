"""Benchmarks: each prints ratios or counts measured side by side in one run.

``python -m benchmarks`` runs them all against the loopback sandbox and prints one table.
"""
