"""Audit cursors: a place in the call list, bound to the query that made it.

An audit cursor is a place in the call list, so it is bound to the arguments that
define the list and what is reported about it (``ScanCursors.bound``): reused with
another query or other filters, it is refused instead of resuming at the wrong place.
"""

from __future__ import annotations

from dataclasses import dataclass

from ultravox_calls_mcp.api.filters import CallFilters
from ultravox_calls_mcp.audit.scan import Resume
from ultravox_calls_mcp.mcp.results import cursors


@dataclass(frozen=True)
class ScanCursors:
    """How one audit tool writes and reads its cursors: its kind, its name for the
    messages, and the binding to the arguments of the call that printed them."""

    kind: str
    tool: str
    binding: cursors.Binding

    @classmethod
    def bound(cls, kind: str, tool: str, filters: CallFilters, **shaping: object) -> ScanCursors:
        """Bind to the call filters as sent upstream (they decide which calls the list
        holds, in which order) and to the tool's own arguments that shape what it reports
        (``shaping``: a query, a grouping; JSON-able values).

        Budget knobs stay unbound on purpose: max_calls and max_chars only decide how much
        of the same list one result covers, and a cursor marks a place in that list, so a
        model may raise or lower them from one page to the next.
        """
        bound = [*shaping, "call filters"]
        arguments = ", ".join(bound[:-1]) + " and " + bound[-1] if shaping else bound[0]
        values = {"filters": filters.to_query(), **shaping}
        return cls(kind, tool, cursors.Binding.of(arguments, values))

    def start(self, token: str | None) -> Resume:
        """Where a scan starts: the list's beginning, or the place ``token`` marks.
        Raises ToolError (before any request) for a foreign, forged or rebound cursor."""
        position = cursors.decode(self.kind, token, tool=self.tool, binding=self.binding)
        return Resume(position.upstream, position.skip, position.before)

    def token(self, at: Resume) -> str:
        position = cursors.Position(upstream=at.upstream, skip=at.skip, before=at.before)
        return cursors.encode(self.kind, position, self.binding)
