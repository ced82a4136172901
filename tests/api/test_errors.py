"""The single status → error mapping, and the error tree's shape."""

from __future__ import annotations

import pytest

from ultravox_calls_mcp.api import errors as e


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (301, e.InvalidResponseError),
        (302, e.InvalidResponseError),
        (307, e.InvalidResponseError),
        (400, e.InvalidRequestError),
        (422, e.InvalidRequestError),
        (401, e.AuthenticationError),
        (403, e.PermissionDeniedError),
        (404, e.NotFoundError),
        (408, e.UpstreamTimeoutError),
        (429, e.RateLimitedError),
        (500, e.UpstreamError),
        (503, e.UpstreamError),
        (418, e.UpstreamError),
        (409, e.UpstreamError),
    ],
)
def test_each_status_maps_to_one_error_class_carrying_the_status(
    status: int, kind: type[e.UltravoxError]
) -> None:
    error = e.error_for_status(status, subject="call 1", about="call_id")
    assert type(error) is kind
    assert error.status_code == status
    assert f"({status})" in str(error)


def test_not_found_names_the_id_and_which_identifier_it_is_about_but_no_tool() -> None:
    error = e.error_for_status(
        404, subject="call 3f2c0a4e-0000-4000-8000-000000000000", about="call_id"
    )
    assert str(error) == "Ultravox has no call 3f2c0a4e-0000-4000-8000-000000000000 (404)."
    assert error.about == "call_id"


def test_not_found_about_no_identifier_points_at_the_base_url() -> None:
    error = e.error_for_status(404, subject="call list")
    assert "ULTRAVOX_BASE_URL" in str(error)
    assert error.about is None


def test_rate_limited_error_carries_retry_after() -> None:
    error = e.error_for_status(429, subject="call list", retry_after=12.0)
    assert isinstance(error, e.RateLimitedError)
    assert error.retry_after == 12.0
    assert "12 s" in str(error)


def test_permission_denied_is_an_authentication_error() -> None:
    assert issubclass(e.PermissionDeniedError, e.AuthenticationError)
    assert issubclass(e.DeadlineExceededError, e.UpstreamTimeoutError)
    assert issubclass(e.ConnectionFailedError, e.UpstreamUnavailableError)


def test_every_error_in_the_tree_is_drawn_in_the_module_docstring() -> None:
    classes = [
        obj
        for obj in vars(e).values()
        if isinstance(obj, type) and issubclass(obj, e.UltravoxError)
    ]
    assert len(classes) == 13
    for cls in classes:
        assert cls.__name__ in (e.__doc__ or "")
        assert cls("x").status_code is None or cls is e.RateLimitedError
