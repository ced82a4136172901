"""Keep signed links out of the HTTP library's own log lines.

httpx2 logs each request's URL (INFO) and httpcore2 each response's headers (DEBUG), a
redirect's ``Location`` among them: for a recording, a signed storage URL whose query is
a bearer secret. A filter on those loggers cuts the query (and any user:password) from
every URL in their records before any handler sees them. It costs nothing unless those
loggers are enabled.
"""

from __future__ import annotations

import logging
import re
from typing import Final

__all__ = ["guard_http_logs", "without_secrets"]

_LOGGERS: Final = (
    "httpx2",
    "httpcore2.connection",
    "httpcore2.http11",
    "httpcore2.http2",
    "httpcore2.proxy",
    "httpcore2.socks",
)
_USERINFO = re.compile(r"(?i)\b(https?://)[^/\s'\"@?#]*@")
_QUERY = re.compile(r"(?i)(\bhttps?://[^\s'\"?#]*)\?[^\s'\"#]*")


def without_secrets(text: str) -> str:
    """``text`` with every URL's query and user:password replaced by ``…``."""
    if "://" not in text:
        return text
    return _QUERY.sub(r"\1?…", _USERINFO.sub(r"\1…@", text))


class _CutSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that does not format is left to logging's own handling
            return True
        cut = without_secrets(message)
        if cut != message:
            record.msg, record.args = cut, None
        return True


_FILTER: Final = _CutSecrets()


def guard_http_logs() -> None:
    """Install the filter (once; later calls do nothing)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
