"""The rendered config: production components, secrets, and the test target's exact swap."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

import collector
from catalog.model import Catalog, Meter
from settings.model import COLLECTOR_METRICS_PORT, PriceUrl, StaticPrice
from tests.collector import support


def _prod(**kwargs: Any) -> dict[str, Any]:
    text = collector.render_collector_config(
        collector=kwargs.get("settings") or support.collector_settings(),
        kafka=kwargs.get("kafka") or support.kafka_settings(),
        connection=support.connection(),
        catalog=kwargs.get("catalog") or support.catalog(),
    )
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _sections(text: str) -> dict[str, str]:
    """Top-level YAML sections as the exact text rendered."""
    out: dict[str, str] = {}
    key = ""
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "-", "") and ":" in line:
            key = line.split(":", 1)[0]
        out[key] = out.get(key, "") + line
    return out


def test_container_interface() -> None:
    assert collector.CONFIG_PATH == "/etc/collector/config.yaml"
    assert collector.collector_command() == ["-c", collector.CONFIG_PATH]


def test_go_runtime_trades_heap_for_cpu_inside_the_memory_limit() -> None:
    env = collector.runtime_environment(256)
    assert env == {"GOGC": "400", "GOMEMLIMIT": "192MiB"}
    assert collector.runtime_environment(1000)["GOMEMLIMIT"] == "750MiB"


def _kafka(config: dict[str, Any]) -> dict[str, Any]:
    franz: dict[str, Any] = config["input"]["batched"]["child"]["kafka_franz"]
    return franz


def test_events_are_batched_with_the_ingest_policy_before_any_processor() -> None:
    settings = support.collector_settings(batch_size=250, batch_period="700ms")
    config = _prod(settings=settings)
    assert config["input"]["label"] == "signer_events"
    policy = config["input"]["batched"]["policy"]
    ingest = config["output"]["switch"]["cases"][1]["output"]["fallback"][0]["http_client"]
    assert policy == {"count": 250, "period": "700ms"}
    assert {k: ingest["batching"][k] for k in policy} == policy


def test_kafka_input_reads_the_topic_as_a_consumer_group_from_the_oldest_event() -> None:
    config = _prod()
    franz = _kafka(config)
    assert franz["seed_brokers"] == ["redpanda:9092"]
    assert franz["topics"] == ["livepeer-gateway-events"]
    assert franz["consumer_group"] == "clearinghouse-collector"
    assert franz["start_from_oldest"] is True
    assert franz["auto_replay_nacks"] is True
    assert "sasl" not in franz
    assert "tls" not in franz


def test_sasl_means_plain_over_tls_on_both_kafka_components() -> None:
    config = _prod(kafka=support.kafka_settings(sasl=True))
    dead_letter = config["output_resources"][0]
    assert dead_letter["label"] == "dead_letter"
    for component in (_kafka(config), dead_letter["kafka_franz"]):
        assert component["seed_brokers"] == ["b1.example:9093", "b2.example:9093"]
        assert component["tls"] == {"enabled": True}
        assert component["sasl"] == [
            {"mechanism": "PLAIN", "username": "collector", "password": "kafka-secret"}
        ]
    assert dead_letter["kafka_franz"]["topic"] == "livepeer-gateway-events-dlq"


def test_ingest_is_batched_bounded_retried_and_carries_the_bearer_key() -> None:
    settings = support.collector_settings(batch_size=250, max_in_flight=3)
    config = _prod(settings=settings)
    ingest = config["output"]["switch"]["cases"][1]["output"]["fallback"][0]["http_client"]
    assert ingest["url"] == "http://127.0.0.1:9/api/v3/openmeter/events"
    assert ingest["headers"] == {
        "Content-Type": "application/cloudevents-batch+json",
        "Authorization": f"Bearer {support.API_KEY}",
    }
    assert ingest["batching"]["count"] == 250
    assert ingest["batching"]["processors"] == [{"archive": {"format": "json_array"}}]
    assert ingest["max_in_flight"] == 3
    assert ingest["retries"] > 0
    assert {429, 500, 502, 503, 504} <= set(ingest["backoff_on"])
    assert 400 in ingest["drop_on"]
    assert 429 not in ingest["drop_on"]
    assert not [code for code in ingest["drop_on"] if code >= 500]


def test_a_refused_batch_is_retried_one_event_per_request_before_any_dead_letter() -> None:
    config = _prod(settings=support.collector_settings(max_in_flight=3))
    batch_tier, on_failure = config["output"]["switch"]["cases"][1]["output"]["fallback"]
    permanent, transient = on_failure["switch"]["cases"]
    assert "reject" in transient["output"]
    one_by_one = permanent["output"]
    assert one_by_one["processors"] == [{"split": {"size": 1}}]
    single, last_resort = one_by_one["fallback"]
    batch, alone = batch_tier["http_client"], single["http_client"]
    assert alone["headers"] == {
        "Content-Type": "application/cloudevents+json",
        "Authorization": f"Bearer {support.API_KEY}",
    }
    assert "batching" not in alone
    for key in ("url", "max_in_flight", "retries", "backoff_on", "drop_on", "timeout"):
        assert alone[key] == batch[key], key
    dead_letter, still_failing = last_resort["switch"]["cases"]
    assert dead_letter["check"] == permanent["check"]
    assert dead_letter["output"]["resource"] == "dead_letter"
    assert '"stage": "ingest"' in dead_letter["output"]["processors"][0]["mapping"]
    assert "reject" in still_failing["output"]


def test_metrics_server_binds_inside_the_container_only() -> None:
    config = _prod()
    assert config["http"]["address"] == f"0.0.0.0:{COLLECTOR_METRICS_PORT}"
    assert config["http"]["debug_endpoints"] is False
    # Redpanda Connect's default metrics exporter (Prometheus) serves on that address.
    assert "metrics" not in config


@pytest.mark.parametrize(
    "price",
    [
        StaticPrice(eth_usd=Decimal("3456.78")),
        PriceUrl(url="https://p.example/eth", refresh_seconds=60),
    ],
)
@pytest.mark.parametrize("sasl", [False, True])
def test_test_target_swaps_only_the_kafka_input_and_dead_letter_output(
    tmp_path: Path, price: StaticPrice | PriceUrl, sasl: bool
) -> None:
    settings = support.collector_settings(price=price)
    args: dict[str, Any] = {
        "collector": settings,
        "kafka": support.kafka_settings(sasl=sasl),
        "connection": support.connection(),
        "catalog": support.catalog(),
    }
    prod_text = collector.render_collector_config(**args)
    test_text = collector.render_test_config(
        **args,
        input=collector.FileInput(str(tmp_path / "in.jsonl")),
        dead_letter=collector.FileSink(str(tmp_path / "dlq.jsonl")),
    )
    prod, test = _sections(prod_text), _sections(test_text)
    for name in ("pipeline", "output", "logger", "shutdown_timeout"):
        assert prod[name] == test[name], name
    assert ("cache_resources" in prod) == isinstance(price, PriceUrl)
    assert prod.get("cache_resources") == test.get("cache_resources")

    prod_config, test_config = yaml.safe_load(prod_text), yaml.safe_load(test_text)
    if isinstance(price, PriceUrl):
        prod_inputs = prod_config["input"]["broker"]["inputs"]
        test_inputs = test_config["input"]["broker"]["inputs"]
        assert prod_inputs[1] == test_inputs[1]  # the price refresher runs unchanged
        prod_events, test_events = prod_inputs[0], test_inputs[0]
    else:
        prod_events, test_events = prod_config["input"], test_config["input"]
    assert prod_events["batched"]["policy"] == test_events["batched"]["policy"]
    assert "kafka_franz" in prod_events["batched"]["child"]
    assert test_events["batched"]["child"]["file"]["paths"] == [str(tmp_path / "in.jsonl")]
    assert test_config["output_resources"] == [
        {"label": "dead_letter", "file": {"path": str(tmp_path / "dlq.jsonl"), "codec": "lines"}}
    ]
    assert "kafka_franz" not in test_text
    assert "kafka-secret" not in test_text


def test_every_catalog_property_is_produced_or_the_catalog_is_refused() -> None:
    base = support.catalog()
    pixels = Meter(key="pixels_total", name="Pixels", aggregation="sum", value_property="pixels")
    with_pixels = base.model_copy(update={"meters": (*base.meters, pixels)})
    mapping = _prod(catalog=with_pixels)["pipeline"]["processors"][1]["try"][-1]["mapping"]
    assert '"pixels": $data.pixels' in mapping

    unknown = Meter(key="gpu_seconds", name="GPU", aggregation="sum", value_property="gpu_secs")
    broken = base.model_copy(update={"meters": (*base.meters, unknown)})
    with pytest.raises(ValueError, match="gpu_secs"):
        _prod(catalog=broken)


def test_values_benthos_would_interpolate_are_refused() -> None:
    with pytest.raises(ValueError, match="openmeterApiKey"):
        collector.render_collector_config(
            collector=support.collector_settings(),
            kafka=support.kafka_settings(),
            connection=support.connection().model_copy(update={"api_key": SecretStr("abc${HOME}")}),
            catalog=support.catalog(),
        )


def test_a_non_positive_static_price_or_a_non_http_price_url_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        _prod(settings=support.collector_settings(price=StaticPrice(eth_usd=Decimal(0))))
    with pytest.raises(ValueError, match="http"):
        _prod(
            settings=support.collector_settings(
                price=PriceUrl(url="file:///etc/passwd", refresh_seconds=60)
            )
        )


def test_catalog_used_by_the_tests_is_the_repository_catalog() -> None:
    assert isinstance(support.catalog(), Catalog)
    assert support.catalog().data_properties >= {"billable_usd_micros", "network_fee_usd_micros"}
