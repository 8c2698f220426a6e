"""Assemble the collector's Benthos config as Python data and dump it as YAML.

One assembly serves production (Kafka in, Kafka dead letters) and tests (Benthos-core stand-ins
for those two); processors and the ingest output are the same objects in both.
"""

from __future__ import annotations

from typing import Any

import yaml

from catalog.model import Catalog
from collector import container, event_mapping, ingest, price
from collector import dead_letter as dead_letter_records
from collector import kafka as kafka_components
from collector.targets import FileSink, TestInput
from settings.model import (
    CollectorSettings,
    KafkaSettings,
    OpenMeterConnection,
    PriceUrl,
    StaticPrice,
)


def pipeline_processors(*, collector: CollectorSettings, catalog: Catalog) -> list[dict[str, Any]]:
    return [
        {"label": "keep_raw_event", "mapping": dead_letter_records.CAPTURE_RAW},
        {
            "try": [
                *(
                    []
                    if isinstance(collector.price, StaticPrice)
                    else [
                        {
                            "label": "select_signed_tickets",
                            "mutation": event_mapping.select_mapping(catalog.event_type),
                        }
                    ]
                ),
                *price.price_processors(collector.price),
                {
                    "label": "to_cloudevent",
                    "mapping": event_mapping.cloudevent_mapping(
                        catalog, collector.source, collector.price
                    ),
                },
            ]
        },
        {
            "catch": [
                {
                    "label": "mapping_dead_letter",
                    "mapping": dead_letter_records.mapping_failure_record(collector.source),
                }
            ]
        },
    ]


def output(*, collector: CollectorSettings, connection: OpenMeterConnection) -> dict[str, Any]:
    return {
        "switch": {
            "cases": [
                {
                    "check": f"@{dead_letter_records.ROUTE_META} != null",
                    "output": {"resource": dead_letter_records.DEAD_LETTER_OUTPUT},
                },
                {"output": ingest.ingest_output(collector=collector, connection=connection)},
            ]
        }
    }


def batched_events(events_input: dict[str, Any], *, collector: CollectorSettings) -> dict[str, Any]:
    """The event input, batched with the ingest's own policy before any processor runs.

    Processors and outputs then handle a batch of events per transaction instead of one, which
    is most of the per-event cost once the mapping itself is cheap. The ingest output batches
    with the same policy, so a full batch passes through it at once; a batch cut short by the
    period waits there at most one more period. A nacked request nacks the input batches its
    events came from; they are replayed under the same ids, which OpenMeter deduplicates.
    """
    label = events_input["label"]
    child = {k: v for k, v in events_input.items() if k != "label"}
    return {
        "label": label,
        "batched": {
            "child": child,
            "policy": {"count": collector.batch_size, "period": collector.batch_period},
        },
    }


def _assemble(
    *,
    collector: CollectorSettings,
    catalog: Catalog,
    connection: OpenMeterConnection,
    events_input: dict[str, Any],
    dead_letter_output: dict[str, Any],
    http_address: str | None,
) -> dict[str, Any]:
    events_input = batched_events(events_input, collector=collector)
    if isinstance(collector.price, PriceUrl):
        the_input: dict[str, Any] = {
            "broker": {"inputs": [events_input, price.refresher_input(collector.price)]}
        }
    else:
        the_input = events_input
    config: dict[str, Any] = {
        # No `metrics:` section on purpose: Redpanda Connect (the production image) defaults to
        # Prometheus on the HTTP server below; the Benthos core in tests has no Prometheus.
        "http": (
            {"enabled": True, "address": http_address, "debug_endpoints": False}
            if http_address is not None
            else {"enabled": False}
        ),
        "logger": {"level": "INFO", "format": "json", "add_timestamp": True},
        "input": the_input,
        "pipeline": {"processors": pipeline_processors(collector=collector, catalog=catalog)},
        "output": output(collector=collector, connection=connection),
        "output_resources": [
            {"label": dead_letter_records.DEAD_LETTER_OUTPUT, **dead_letter_output}
        ],
        "shutdown_timeout": "20s",
    }
    caches = price.price_caches(collector.price)
    if caches:
        config["cache_resources"] = caches
    return config


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Bloblang sources as literal blocks, so the uploaded file stays readable. A block starting
    # with a blank line gets an indentation indicator ("|2") that `benthos lint` accepts but
    # Benthos 4.60 fails to start on ("failed to generate sanitised config"): refuse it here.
    if value.startswith("\n"):
        raise ValueError("multi-line config strings must not start with a blank line")
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(config: dict[str, Any]) -> str:
    return yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def render_collector_config(
    *,
    collector: CollectorSettings,
    kafka: KafkaSettings,
    connection: OpenMeterConnection,
    catalog: Catalog,
) -> str:
    """The production config: Kafka in, OpenMeter out, Kafka dead letters. Holds secrets."""
    return dump(
        _assemble(
            collector=collector,
            catalog=catalog,
            connection=connection,
            events_input=kafka_components.kafka_input(collector=collector, kafka=kafka),
            dead_letter_output=kafka_components.kafka_dead_letter(kafka=kafka),
            http_address=container.HTTP_ADDRESS,
        )
    )


def render_test_config(
    *,
    collector: CollectorSettings,
    kafka: KafkaSettings,
    connection: OpenMeterConnection,
    catalog: Catalog,
    input: TestInput,  # noqa: A002 - the brief's name for the swapped component
    dead_letter: FileSink,
    http_address: str | None = None,
) -> str:
    """The same config on Benthos core: only the Kafka input and dead-letter output differ.

    `http_address` None disables the HTTP server, so parallel test runs need no free port.
    """
    del kafka  # the Kafka components are exactly what this target replaces
    return dump(
        _assemble(
            collector=collector,
            catalog=catalog,
            connection=connection,
            events_input=input.config(),
            dead_letter_output=dead_letter.config(),
            http_address=http_address,
        )
    )
