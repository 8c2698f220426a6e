"""The expected CloudEvent of a valid signer event, computed independently in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from catalog.model import Catalog
from collector.markup import decimal_text
from tests.collector import support


def expected_cloudevent(envelope: dict[str, Any], price: str, catalog: Catalog) -> dict[str, Any]:
    data = envelope["data"]
    auth_id = data.get("auth_id") or ""
    if auth_id.strip():
        client_id, external_user_id = auth_id.split(":", 1)
        subject = auth_id
    else:
        client_id, external_user_id = data["client_id"], data["usage_subject"]
        subject = f"{client_id}:{external_user_id}"
    wei = int(data["computed_fee"])
    multiplier = catalog.markup.multiplier_for(data.get("pipeline"), data.get("model_id"))
    millis = int(envelope["timestamp"])
    time = datetime.fromtimestamp(millis // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "specversion": "1.0",
        "id": envelope["id"],
        "source": support.SOURCE,
        "type": catalog.event_type,
        "subject": subject,
        "time": f"{time}.{millis % 1000:03d}Z",
        "data": {
            "network_fee_usd_micros": support.micros(wei, price),
            "billable_usd_micros": support.micros(wei, price, str(multiplier)),
            "client_id": client_id,
            "external_user_id": external_user_id,
            "pipeline": data.get("pipeline", ""),
            "model_id": data.get("model_id", ""),
            "computed_fee_wei": str(wei),
            "eth_usd": price,
            "markup_multiplier": decimal_text(multiplier),
            "request_id": data.get("request_id"),
        },
    }
