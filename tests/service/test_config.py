"""A service's settings."""

from __future__ import annotations

from pathlib import Path

from matcher.service import JwtSettings, Limits, ServiceConfig, TokenBook


def test_sign_in_is_asked_with_a_token_file_or_jwt_only() -> None:
    """Without tokens and JWT callers need not sign in; with either they must."""
    assert not ServiceConfig().signs_in
    assert ServiceConfig(tokens=TokenBook([])).signs_in
    assert ServiceConfig(jwt=JwtSettings("i", "a", "k")).signs_in


def test_the_default_limits_are_bounded() -> None:
    """By default a body is at most 1 MB, a job at most 15 minutes, one job at a time."""
    limits = Limits()
    assert limits.max_body_bytes == 1_000_000
    assert limits.job_seconds == 900.0 and limits.job_workers == 1
    assert ServiceConfig().data_root == Path.cwd()
