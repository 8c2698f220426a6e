"""Helpers for collector tests: the Benthos binary, settings builders, running pipelines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from catalog.model import Catalog
from collector import runtime_environment
from settings.model import (
    CollectorSettings,
    KafkaSasl,
    KafkaSettings,
    OpenMeterConnection,
    PriceUrl,
    StaticPrice,
)

REPO = Path(__file__).resolve().parents[2]
SOURCE = "clearinghouse-signer-test"
API_KEY = "om_test_key_123"


def benthos_binary() -> str:
    """The Benthos core binary; a missing one FAILS the test (scripts/test.sh builds it)."""
    found = shutil.which("benthos") or str(REPO / ".tools/bin/benthos")
    if not os.access(found, os.X_OK):
        pytest.fail(
            "Benthos binary not found on PATH nor at .tools/bin/benthos: run scripts/bootstrap.sh "
            "(or `make test`, which builds it) before the collector tests"
        )
    return found


def catalog(path: Path = REPO / "catalog/catalog.yaml") -> Catalog:
    return Catalog.model_validate(yaml.safe_load(path.read_text()))


def collector_settings(
    *,
    price: StaticPrice | PriceUrl | None = None,
    batch_size: int = 100,
    batch_period: str = "200ms",
    max_in_flight: int = 4,
) -> CollectorSettings:
    return CollectorSettings(
        image="ghcr.io/openmeterio/benthos-collector:test",
        price=price or StaticPrice(eth_usd=Decimal("3456.78")),
        source=SOURCE,
        consumer_group="clearinghouse-collector",
        batch_size=batch_size,
        batch_period=batch_period,
        max_in_flight=max_in_flight,
        memory_mib=256,
        cpus="0.5",
    )


def kafka_settings(*, sasl: bool = False) -> KafkaSettings:
    return KafkaSettings(
        embedded=not sasl,
        brokers=("redpanda:9092",) if not sasl else ("b1.example:9093", "b2.example:9093"),
        topic="livepeer-gateway-events",
        dead_letter_topic="livepeer-gateway-events-dlq",
        partitions=1,
        retention_ms=604_800_000,
        sasl=KafkaSasl(user="collector", password=SecretStr("kafka-secret")) if sasl else None,
    )


def connection(api_url: str = "http://127.0.0.1:9/api/v3/openmeter") -> OpenMeterConnection:
    return OpenMeterConnection(api_url=api_url, api_key=SecretStr(API_KEY))


def envelope(event_id: str | None = "evt-1", **data: Any) -> dict[str, Any]:
    """A go-livepeer create_signed_ticket Kafka message; a data value None removes the field."""
    body: dict[str, Any] = {
        "auth_id": "acme:user-1",
        "computed_fee": "1000000000000000",
        "pipeline": "live-video-to-video",
        "request_id": "1a2b3c4d",
        "session_id": "5e6f7a8b",
        "current_time": "2024-12-03T15:33:20.123Z",
    }
    body.update(data)
    out: dict[str, Any] = {
        "id": event_id,
        "type": "create_signed_ticket",
        "timestamp": "1733240000123",
        "gateway": "",
        "data": {k: v for k, v in body.items() if v is not None},
    }
    if event_id is None:
        del out["id"]
    return out


def micros(wei: int, price: str, multiplier: str = "1") -> int:
    """The exact decimal reference, rounded half to even (the documented rounding mode)."""
    # Decimal's default 28 significant digits would round a 10^24-wei product before the
    # final rounding; 200 digits hold every product these tests form exactly.
    with localcontext() as context:
        context.prec = 200
        exact = Decimal(wei) * Decimal(price) * Decimal(multiplier) / Decimal(10) ** 12
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def wait_for(
    condition: Callable[[], bool], what: str, timeout_s: float = 60.0, poll_s: float = 0.05
) -> float:
    """Poll until `condition` holds and return when it did (`time.perf_counter()`).

    The timeout only guards against a hang; `poll_s` bounds how late the returned time can be.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(poll_s)
    return time.perf_counter()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def json_line(event: Any) -> str:
    """How the tests serialise one Kafka message (the dead-letter record keeps these bytes)."""
    return json.dumps(event, ensure_ascii=False)


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json_line(line)) + "\n" for line in lines)
    )
    return path


def benthos_environment() -> dict[str, str]:
    """The environment the collector container gives Benthos (its Go runtime settings)."""
    return {**os.environ, **runtime_environment(collector_settings().memory_mib)}


def run_benthos(*args: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """`benthos <args>` in the collector container's environment, output captured."""
    return subprocess.run(
        [benthos_binary(), *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
        env=benthos_environment(),
    )


def run_to_completion(config_text: str, workdir: Path, timeout_s: float = 90.0) -> str:
    """Run a pipeline whose input ends (file input, static price); returns its log."""
    config = workdir / "collector.yaml"
    config.write_text(config_text)
    result = run_benthos("-c", str(config), timeout_s=timeout_s)
    assert result.returncode == 0, f"benthos exited {result.returncode}:\n{result.stderr}"
    return result.stdout + result.stderr


def start(config_text: str, workdir: Path) -> subprocess.Popen[str]:
    """Start a pipeline fed through stdin; its log goes to workdir/benthos.log."""
    config = workdir / "collector.yaml"
    config.write_text(config_text)
    with (workdir / "benthos.log").open("w") as log:
        return subprocess.Popen(
            [benthos_binary(), "-c", str(config)],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=benthos_environment(),
        )


@contextmanager
def stopping(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Stop the process (this one only, by its handle) when the block ends."""
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
