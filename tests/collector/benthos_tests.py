"""Build and run `benthos test` suites (config unit tests) from Python tables."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.collector import support


@dataclass(frozen=True)
class Ignored:
    """The event is dropped on purpose (another event type): no output, no dead letter."""


@dataclass(frozen=True)
class DeadLetter:
    """The event becomes a dead-letter record whose error contains `error`."""

    error: str


@dataclass(frozen=True)
class Contains:
    """The CloudEvent contains this structure (json_contains)."""

    fields: dict[str, Any]


Expected = dict[str, Any] | Contains | DeadLetter | Ignored


def _raw(event: Any) -> str:
    return event if isinstance(event, str) else json.dumps(event, ensure_ascii=False)


def _check(raw: str, expected: Expected) -> dict[str, Any]:
    if isinstance(expected, DeadLetter):
        condition = (
            'this.stage == "mapping" && '
            f"this.error.contains({json.dumps(expected.error, ensure_ascii=False)}) && "
            f"this.event == {json.dumps(raw, ensure_ascii=False)} && "
            f"this.collector_source == {json.dumps(support.SOURCE)}"
        )
        return {"bloblang": condition, "metadata_equals": {"collector_dead_letter": "mapping"}}
    if isinstance(expected, Contains):
        return {"json_contains": expected.fields, "bloblang": "@collector_dead_letter == null"}
    assert isinstance(expected, dict)
    return {"json_equals": expected, "bloblang": "@collector_dead_letter == null"}


def pipeline_case(name: str, events: list[Any], expected: list[Expected]) -> dict[str, Any]:
    """One unit test: a batch of Kafka messages through /pipeline/processors."""
    raws = [_raw(e) for e in events]
    checks = [
        _check(r, x) for r, x in zip(raws, expected, strict=True) if not isinstance(x, Ignored)
    ]
    return {
        "name": name,
        "target_processors": "/pipeline/processors",
        "input_batch": [{"content": r} for r in raws],
        "output_batches": [checks] if checks else [],
    }


def run(
    config_text: str, cases: list[dict[str, Any]], workdir: Path
) -> subprocess.CompletedProcess[str]:
    config = workdir / "collector.yaml"
    config.write_text(config_text)
    (workdir / "collector_benthos_test.yaml").write_text(
        yaml.safe_dump({"tests": cases}, allow_unicode=True, sort_keys=False)
    )
    return support.run_benthos("test", str(config), timeout_s=120)
