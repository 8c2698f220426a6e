"""Injectable faults: what the fake does instead of (or before) answering a request."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass


@dataclass
class Fault:
    """One fault, applied to the next `times` requests matching `method` and `path`.

    `path` is a glob on the API path as the contract spells it ("/openmeter/events",
    "/openmeter/plans/*/publish"). `status` answers with a problem of that status (429 adds
    `Retry-After: retry_after`); `drop_connection` closes the connection without an answer
    (with `apply=True` the request is processed first, so the effect exists but the answer is
    lost); `delay_s` delays the answer (alone: a slow but normal answer); `body_contains`
    limits the fault to requests whose body contains that text (a poison event).
    """

    path: str
    method: str = "*"
    status: int | None = None
    retry_after: float | None = None
    times: int = 1
    drop_connection: bool = False
    apply: bool = False
    delay_s: float = 0.0
    detail: str = "injected fault"
    body_contains: str | None = None

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        return (
            self.times > 0
            and (self.method == "*" or self.method.upper() == method.upper())
            and fnmatch.fnmatchcase(path, self.path)
            and (self.body_contains is None or self.body_contains.encode() in body)
        )
