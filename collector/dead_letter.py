"""Dead-letter records: the failed event as received, plus why and where it failed."""

from __future__ import annotations

from collector import literals

DEAD_LETTER_OUTPUT = "dead_letter"
# Metadata key routing a message to the dead-letter output; its value is the failed stage.
ROUTE_META = "collector_dead_letter"
# The event exactly as read, kept so a dead-letter record can be replayed.
RAW_META = "collector_raw"

# A `mapping`, not a `mutation`: a mutation parses the message first, and content() then returns
# it re-serialized (keys sorted, spacing lost) instead of the bytes read.
CAPTURE_RAW = f"meta {RAW_META} = content().string()\nroot = content()\n"


def _record(stage: str, error: str, source: str, extra: str = "") -> str:
    return (
        f'meta {ROUTE_META} = "{stage}"\n'
        "root = {\n"
        f'  "stage": "{stage}",\n'
        f'  "error": {error},\n'
        f'  "collector_source": {literals.bloblang(literals.plain(source, "collector source"))},\n'
        '  "kafka": {"topic": @kafka_topic, "partition": @kafka_partition, '
        '"offset": @kafka_offset, "key": @kafka_key},\n'
        f'  "event": @{RAW_META}{extra}\n'
        "}\n"
    )


def mapping_failure_record(source: str) -> str:
    """For a `catch` after the mapping: the event could not become a CloudEvent."""
    return _record("mapping", "error()", source)


def ingest_rejection_record(source: str) -> str:
    """For messages OpenMeter refused with a permanent 4xx: keeps the CloudEvent sent too."""
    return _record("ingest", "@fallback_error", source, ',\n  "cloudevent": this')
