"""`benthos lint` on every rendered variant (Kafka components swapped for Benthos-core ones)."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import collector
from settings.model import PriceUrl, StaticPrice
from tests.collector import support

PRICES: dict[str, StaticPrice | PriceUrl] = {
    "static": StaticPrice(eth_usd=Decimal("3456.78")),
    "url": PriceUrl(url="https://prices.example/eth?vs=usd", refresh_seconds=300),
}
INPUTS: dict[str, collector.FileInput | collector.StdinInput | collector.HttpInput] = {
    "file": collector.FileInput("/tmp/collector-events.jsonl"),
    "stdin": collector.StdinInput(),
    "http": collector.HttpInput("127.0.0.1:0"),
}


def _lint(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "collector.yaml"
    path.write_text(text)
    return support.run_benthos("lint", str(path), timeout_s=60)


@pytest.mark.parametrize("price", sorted(PRICES))
@pytest.mark.parametrize("events", sorted(INPUTS))
@pytest.mark.parametrize("http_address", [None, "127.0.0.1:4195"])
def test_rendered_configs_lint_clean(
    tmp_path: Path, price: str, events: str, http_address: str | None
) -> None:
    text = collector.render_test_config(
        collector=support.collector_settings(price=PRICES[price]),
        kafka=support.kafka_settings(sasl=True),
        connection=support.connection(),
        catalog=support.catalog(),
        input=INPUTS[events],
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
        http_address=http_address,
    )
    result = _lint(text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_does_reject_a_broken_config(tmp_path: Path) -> None:
    text = collector.render_test_config(
        collector=support.collector_settings(),
        kafka=support.kafka_settings(),
        connection=support.connection(),
        catalog=support.catalog(),
        input=collector.StdinInput(),
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )
    result = _lint(text.replace("let p = ", "let p == ", 1), tmp_path)
    assert result.returncode != 0
