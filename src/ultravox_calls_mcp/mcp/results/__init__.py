"""Fitting results into their budget: composition, cursors, paging windows."""
