"""Problem responses as exceptions that say which object failed, how, and why."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict


class Problem(BaseModel):
    """The contract's problem body; every member optional so a partial body still parses."""

    model_config = ConfigDict(extra="allow")
    status: int | None = None
    title: str | None = None
    detail: str | None = None
    instance: str | None = None
    invalid_parameters: list[dict[str, Any]] | None = None


class OpenMeterError(Exception):
    """An OpenMeter request failed for good (after retries, when they apply)."""

    def __init__(
        self,
        *,
        kind: str,
        key: str,
        method: str,
        url: str,
        status: int | None,
        detail: str,
        invalid_parameters: list[dict[str, Any]] | None = None,
    ) -> None:
        self.kind = kind
        self.key = key
        self.method = method
        self.url = url
        self.status = status
        self.detail = detail
        self.invalid_parameters = invalid_parameters or []
        where = f"OpenMeter {kind} {key!r}: {method} {url}"
        status_text = f"HTTP {status}" if status is not None else "no response"
        message = f"{where} failed with {status_text}: {detail}"
        if self.invalid_parameters:
            params = "; ".join(
                f"{p.get('field', '?')}: {p.get('reason', p.get('rule', '?'))}"
                for p in self.invalid_parameters
            )
            message += f" (invalid parameters: {params})"
        super().__init__(message)

    @classmethod
    def from_response(cls, kind: str, key: str, response: httpx.Response) -> OpenMeterError:
        try:
            problem = Problem.model_validate(response.json())
            detail = problem.detail or problem.title or response.reason_phrase
            invalid = problem.invalid_parameters
        except ValueError:
            detail, invalid = response.text[:500] or response.reason_phrase, None
        return cls(
            kind=kind,
            key=key,
            method=response.request.method,
            url=str(response.request.url),
            status=response.status_code,
            detail=detail,
            invalid_parameters=invalid,
        )


class RetryableStatus(Exception):  # noqa: N818 - a signal to the retry loop, not a failure
    """A 429 or 5xx answer: worth another attempt, honouring Retry-After when present."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class DriftError(Exception):
    """An existing object differs from the catalog in a field the API cannot change."""
