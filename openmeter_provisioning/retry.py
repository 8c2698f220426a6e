"""Retry policy (tenacity): 429, 5xx and transport errors, with backoff and Retry-After."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from openmeter_provisioning.errors import RetryableStatus

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _WaitRetryAfterOrBackoff:
    """The server's Retry-After when it sent one (capped), exponential backoff otherwise."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.maximum = maximum
        self.backoff = wait_exponential_jitter(multiplier=initial, max=maximum, jitter=initial)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, RetryableStatus):
            after = retry_after_seconds(error.response.headers.get("retry-after"))
            if after is not None:
                return min(after, self.maximum)
        return float(self.backoff(state))


def retrying(
    max_attempts: int = 5,
    initial_wait: float = 0.2,
    max_wait: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Retrying:
    return Retrying(
        # TransportError covers connect errors, timeouts and connections dropped mid-request.
        retry=retry_if_exception_type((RetryableStatus, httpx.TransportError)),
        wait=_WaitRetryAfterOrBackoff(initial_wait, max_wait),
        stop=stop_after_attempt(max_attempts),
        sleep=sleep,
        reraise=True,
    )
