"""Production Kafka components (Redpanda Connect `kafka_franz`): event input, dead-letter output.

The open-source Benthos core used in tests has no Kafka components; collector/targets.py swaps
exactly these two for core equivalents.
"""

from __future__ import annotations

from typing import Any

from collector import literals
from settings.model import CollectorSettings, KafkaSettings


def _security(kafka: KafkaSettings) -> dict[str, Any]:
    if kafka.sasl is None:
        return {}
    # SASL/PLAIN always with TLS: the only secured mode the signer (go-livepeer) speaks.
    return {
        "tls": {"enabled": True},
        "sasl": [
            {
                "mechanism": "PLAIN",
                "username": literals.plain(kafka.sasl.user, "kafkaSaslUser"),
                "password": literals.plain(
                    kafka.sasl.password.get_secret_value(), "kafkaSaslPassword"
                ),
            }
        ],
    }


def _brokers(kafka: KafkaSettings) -> list[str]:
    return [literals.plain(b, "kafkaBrokers") for b in kafka.brokers]


def kafka_input(*, collector: CollectorSettings, kafka: KafkaSettings) -> dict[str, Any]:
    return {
        "label": "signer_events",
        "kafka_franz": {
            "seed_brokers": _brokers(kafka),
            "topics": [kafka.topic],
            "consumer_group": literals.plain(collector.consumer_group, "collectorConsumerGroup"),
            # A new group starts at the oldest retained event: nothing published before the
            # collector first ran is skipped.
            "start_from_oldest": True,
            # Enough un-committed messages per partition to keep every ingest request full.
            "checkpoint_limit": max(1024, 2 * collector.batch_size * collector.max_in_flight),
            "commit_period": "1s",
            # A nacked event (ingest unavailable after retries) is replayed, never skipped.
            "auto_replay_nacks": True,
            **_security(kafka),
        },
    }


def kafka_dead_letter(*, kafka: KafkaSettings) -> dict[str, Any]:
    return {
        "kafka_franz": {
            "seed_brokers": _brokers(kafka),
            "topic": kafka.dead_letter_topic,
            # Same key as the original message (the envelope id), so replays stay ordered.
            "key": '${! @kafka_key.or("") }',
            "max_in_flight": 1,
            **_security(kafka),
        }
    }
