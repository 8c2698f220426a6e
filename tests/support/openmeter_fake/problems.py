"""Problem responses as the contract shapes them (BadRequestError needs invalid_parameters)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

PROBLEM_JSON = "application/problem+json"


@dataclass
class FakeResponse:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False
    delay_s: float = 0.0
    injected: bool = False

    @classmethod
    def json(cls, status: int, payload: Any) -> FakeResponse:
        return cls(status, json.dumps(payload).encode(), "application/json")


class ApiProblem(Exception):  # noqa: N818 - it is a response, raised to unwind a handler
    def __init__(
        self, status: int, detail: str, field_name: str | None = None, reason: str | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field_name = field_name
        self.reason = reason

    def response(self, instance: str) -> FakeResponse:
        return problem(
            self.status, self.detail, instance, field_name=self.field_name, reason=self.reason
        )


def problem(
    status: int,
    detail: str,
    instance: str,
    *,
    field_name: str | None = None,
    reason: str | None = None,
    headers: dict[str, str] | None = None,
) -> FakeResponse:
    body: dict[str, Any] = {
        "status": status,
        "title": HTTPStatus(status).phrase,
        "type": f"https://httpstatuses.com/{status}",
        "instance": instance,
        "detail": detail,
    }
    if status == 400:
        body["invalid_parameters"] = [
            {"field": field_name or "body", "reason": reason or detail, "source": "body"}
        ]
    return FakeResponse(status, json.dumps(body).encode(), PROBLEM_JSON, dict(headers or {}))
