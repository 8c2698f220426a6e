"""Test targets: Benthos-core stand-ins for the two Kafka components, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FileInput:
    """Events one per line from a file; the stream ends at end of file (static price)."""

    path: str

    def config(self) -> dict[str, Any]:
        return {
            "label": "signer_events",
            "file": {"paths": [self.path], "scanner": {"lines": {}}, "auto_replay_nacks": True},
        }


@dataclass(frozen=True)
class StdinInput:
    def config(self) -> dict[str, Any]:
        return {
            "label": "signer_events",
            "stdin": {"scanner": {"lines": {}}, "auto_replay_nacks": True},
        }


@dataclass(frozen=True)
class HttpInput:
    """Events POSTed one per request; the response returns once the event is delivered."""

    address: str
    path: str = "/events"

    def config(self) -> dict[str, Any]:
        return {
            "label": "signer_events",
            "http_server": {"address": self.address, "path": self.path, "allowed_verbs": ["POST"]},
        }


@dataclass(frozen=True)
class FileSink:
    """Dead-letter records one JSON document per line."""

    path: str

    def config(self) -> dict[str, Any]:
        return {"file": {"path": self.path, "codec": "lines"}}


TestInput = FileInput | StdinInput | HttpInput
