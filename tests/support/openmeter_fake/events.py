"""Event ingest rules: content types, CloudEvent shape per the contract's MeteringEvent."""

from __future__ import annotations

import json
from typing import Any

from tests.support.contract import schema_violations
from tests.support.openmeter_fake.problems import ApiProblem

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
JSON = "application/json"


REQUIRED = ("id", "source", "specversion", "type", "subject")


def parse_events(
    content_type: str, body: bytes, *, check_schema: bool = True
) -> list[dict[str, Any]]:
    """The events of one ingest request; ApiProblem(400) when any of them is invalid.

    `check_schema=False` keeps only the required-field check on the request path (the schema
    check costs ~150 µs per event and would cap a throughput benchmark); the caller must then
    validate the stored events afterwards (`event_schema_violations`).
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in (SINGLE, BATCH, JSON):
        raise ApiProblem(400, f"unsupported content type {content_type!r}", "content-type")
    try:
        payload = json.loads(body)
    except ValueError as err:
        raise ApiProblem(400, f"body is not JSON: {err}", "body") from err
    if media_type == SINGLE and not isinstance(payload, dict):
        raise ApiProblem(400, f"{SINGLE} takes one event object", "body")
    if media_type == BATCH and not isinstance(payload, list):
        raise ApiProblem(400, f"{BATCH} takes a JSON array of events", "body")
    events = payload if isinstance(payload, list) else [payload]
    if not events:
        raise ApiProblem(400, "empty batch", "body")
    for index, event in enumerate(events):
        where = f"events[{index}]"
        if not isinstance(event, dict):
            raise ApiProblem(400, f"{where} is not an object", where)
        errors = (
            schema_violations("MeteringEvent", event, "write")
            if check_schema
            else [f"{field}: required" for field in REQUIRED if not event.get(field)]
        )
        if errors:
            raise ApiProblem(400, f"{where}: {'; '.join(errors)}", where, errors[0])
        # The server accepts CloudEvents 1.0 only (the schema allows any non-empty string).
        if event.get("specversion") != "1.0":
            raise ApiProblem(400, f"{where}.specversion must be 1.0", f"{where}.specversion")
    return events


def event_schema_violations(events: list[dict[str, Any]]) -> list[str]:
    """Every stored event checked against the contract's MeteringEvent, after the fact."""
    return [
        f"events[{index}]: {error}"
        for index, event in enumerate(events)
        for error in schema_violations("MeteringEvent", event, "write")
    ]
