"""ULIDs and timestamps shaped as the contract requires."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid() -> str:
    # 48-bit millisecond time + 80 random bits, Crockford base32: always matches the ULID pattern.
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_record(fields: dict[str, Any], stamp: str | None = None) -> dict[str, Any]:
    """A new resource: a fresh id, created_at = updated_at = `stamp` (now by default), `fields`."""
    at = stamp or now_iso()
    return {"id": new_ulid(), "created_at": at, "updated_at": at, **fields}
