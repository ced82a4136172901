"""The Ultravox REST API client: requests, paging, retries, errors and wire models."""

from .client import MessageMode, Severity, UltravoxClient
from .errors import (
    AuthenticationError,
    ConnectionFailedError,
    DeadlineExceededError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    RateLimitedError,
    UltravoxError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from .filters import CallFilters
from .models import Account, Agent, Call, CallEvent, CallStage, CallTool, Message
from .paging import Page, iterate_items, iterate_pages
from .retry import RetryPolicy, parse_retry_after

__all__ = [
    "Account",
    "Agent",
    "AuthenticationError",
    "Call",
    "CallEvent",
    "CallFilters",
    "CallStage",
    "CallTool",
    "ConnectionFailedError",
    "DeadlineExceededError",
    "InvalidRequestError",
    "InvalidResponseError",
    "Message",
    "MessageMode",
    "NotFoundError",
    "Page",
    "PagingError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RetryPolicy",
    "Severity",
    "UltravoxClient",
    "UltravoxError",
    "UpstreamError",
    "UpstreamTimeoutError",
    "UpstreamUnavailableError",
    "iterate_items",
    "iterate_pages",
    "parse_retry_after",
]
