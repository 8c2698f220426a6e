"""The OpenMeter ingest output: batched CloudEvents, retries, and a dead-letter path for 4xx."""

from __future__ import annotations

from typing import Any

from collector import literals
from collector.dead_letter import DEAD_LETTER_OUTPUT, ingest_rejection_record
from settings.model import CollectorSettings, OpenMeterConnection

BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
SINGLE_CONTENT_TYPE = "application/cloudevents+json"
# Retried with exponential backoff (429 and 408 are the server asking us to slow down).
BACKOFF_ON = [408, 429, 500, 502, 503, 504]
# Permanent: the request itself is wrong and retrying it cannot help; a refused batch is re-sent
# one event per request, and an event refused alone is dead-lettered.
PERMANENT_REJECTIONS = [code for code in range(400, 500) if code not in (408, 429)]

# A batch that failed with a permanent 4xx (drop_on) reaches the fallback with this error text
# (Benthos http_client: "...unexpected response code (400): ..."). Anything else is a
# transient failure whose retries ran out.
_IS_PERMANENT = (
    '@fallback_error.or("").re_match("unexpected response code \\\\((4[0-9][0-9])\\\\)") && '
    '!@fallback_error.or("").re_match("unexpected response code \\\\((408|429)\\\\)")'
)


def _sender(
    *,
    label: str,
    content_type: str,
    batching: dict[str, Any] | None,
    collector: CollectorSettings,
    connection: OpenMeterConnection,
) -> dict[str, Any]:
    key = literals.plain(connection.api_key.get_secret_value(), "openmeterApiKey")
    return {
        "label": label,
        "http_client": {
            "url": literals.plain(connection.ingest_url, "OpenMeter URL"),
            "verb": "POST",
            "headers": {"Content-Type": content_type, "Authorization": f"Bearer {key}"},
            "timeout": "30s",
            "max_in_flight": collector.max_in_flight,
            "retries": 3,
            "retry_period": "500ms",
            "max_retry_backoff": "30s",
            "backoff_on": BACKOFF_ON,
            "drop_on": PERMANENT_REJECTIONS,
            **({"batching": batching} if batching is not None else {}),
        },
    }


def _send_then(
    sender: dict[str, Any], *, when_refused: dict[str, Any], still_failing: str
) -> dict[str, Any]:
    """Send; what the sender refused for good goes to `when_refused`, anything else is nacked.

    A nack (429/5xx/network errors whose retries ran out) makes the input replay the events
    under the same ids, instead of dead-lettering an outage.
    """
    return {
        "fallback": [
            sender,
            {
                "switch": {
                    "cases": [
                        {"check": _IS_PERMANENT, "output": when_refused},
                        {
                            "output": {
                                "reject": "OpenMeter ingest still failing after retries, "
                                f"{still_failing}: ${{! @fallback_error }}"
                            }
                        },
                    ]
                }
            },
        ]
    }


def ingest_output(
    *, collector: CollectorSettings, connection: OpenMeterConnection
) -> dict[str, Any]:
    """Batches to OpenMeter; a batch refused with a 4xx is re-sent one event per request.

    OpenMeter refuses a whole batch for one bad event, so the batch's events are tried alone
    (split into one transaction each, so each send succeeds or fails by itself) and only those
    refused alone are dead-lettered, each with its own error.
    """
    dead_letter = {
        "resource": DEAD_LETTER_OUTPUT,
        "processors": [{"mapping": ingest_rejection_record(collector.source)}],
    }
    one_by_one = {
        # One transaction per event: a fallback cannot tell which event of a batch failed once
        # the events are no longer batched by the child output itself.
        "processors": [{"split": {"size": 1}}],
        **_send_then(
            _sender(
                label="openmeter_ingest_one_by_one",
                content_type=SINGLE_CONTENT_TYPE,
                batching=None,
                collector=collector,
                connection=connection,
            ),
            when_refused=dead_letter,
            still_failing="the event will be retried",
        ),
    }
    return _send_then(
        _sender(
            label="openmeter_ingest",
            content_type=BATCH_CONTENT_TYPE,
            batching={
                "count": collector.batch_size,
                "period": collector.batch_period,
                "processors": [{"archive": {"format": "json_array"}}],
            },
            collector=collector,
            connection=connection,
        ),
        when_refused=one_by_one,
        still_failing="the events will be retried",
    )
