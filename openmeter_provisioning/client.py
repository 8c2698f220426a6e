"""OpenMeter v3 client (httpx) for Konnect and self-hosted hosts.

Base URLs: Konnect `https://{region}.api.konghq.com/v3/openmeter`, self-hosted
`<host>/api/v3/openmeter`. One client per provider call: nothing here may outlive a method of
a dynamic provider (it would end up in the pickled provider).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Self

import httpx

from openmeter_provisioning.errors import OpenMeterError, RetryableStatus
from openmeter_provisioning.retry import RETRYABLE_STATUSES, retrying

JsonObject = dict[str, Any]
PAGE_SIZE = 100


def konnect_url(region: str) -> str:
    return f"https://{region}.api.konghq.com/v3/openmeter"


class OpenMeterClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 15.0,
        max_attempts: int = 5,
        max_wait: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )
        self._max_attempts = max_attempts
        self._max_wait = max_wait
        self._sleep = sleep

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- transport ------------------------------------------------------------------------
    def request(
        self,
        kind: str,
        key: str,
        method: str,
        path: str,
        *,
        params: dict[str, str | int] | None = None,
        body: JsonObject | None = None,
        missing_ok: bool = False,
    ) -> JsonObject | None:
        """One API call with retries; the decoded body, or None for 204 (and 404/410 if allowed)."""
        response: httpx.Response | None = None
        try:
            for attempt in retrying(self._max_attempts, max_wait=self._max_wait, sleep=self._sleep):
                with attempt:
                    response = self._send(method, path, params, body)
        except RetryableStatus as err:
            raise OpenMeterError.from_response(kind, key, err.response) from err
        except httpx.TransportError as err:
            raise OpenMeterError(
                kind=kind,
                key=key,
                method=method,
                url=f"{self._http.base_url}{path}",
                status=None,
                detail=f"{type(err).__name__}: {err}",
            ) from err
        assert response is not None  # noqa: S101 - the loop either returned a response or raised
        if missing_ok and response.status_code in (404, 410):
            return None
        if response.status_code >= 400:
            raise OpenMeterError.from_response(kind, key, response)
        if response.status_code == 204 or not response.content:
            return None
        decoded: JsonObject = response.json()
        return decoded

    def _send(
        self, method: str, path: str, params: dict[str, str | int] | None, body: JsonObject | None
    ) -> httpx.Response:
        response = self._http.request(method, path, params=params, json=body)
        if response.status_code in RETRYABLE_STATUSES:
            raise RetryableStatus(response)
        return response

    # --- reads ----------------------------------------------------------------------------
    def iter_pages(
        self, kind: str, key: str, path: str, filters: dict[str, str] | None = None
    ) -> Iterator[JsonObject]:
        """Every item of a list, walking all pages (the old script stopped at page one)."""
        number = 1
        while True:
            params: dict[str, str | int] = {"page[number]": number, "page[size]": PAGE_SIZE}
            params.update({f"filter[{name}]": value for name, value in (filters or {}).items()})
            page = self.request(kind, key, "GET", path, params=params) or {}
            items: list[JsonObject] = page.get("data", [])
            yield from items
            total = page.get("meta", {}).get("page", {}).get("total")
            seen = (number - 1) * PAGE_SIZE + len(items)
            if not items or len(items) < PAGE_SIZE or (total is not None and seen >= total):
                return
            number += 1

    def find_by_key(
        self, kind: str, path: str, key: str, extra: dict[str, str] | None = None
    ) -> list[JsonObject]:
        """Live objects whose key is exactly `key` (the server filter is only a pre-selection)."""
        filters = {"key": key, **(extra or {})}
        return [
            item
            for item in self.iter_pages(kind, key, path, filters)
            if item.get("key") == key and not item.get("deleted_at")
        ]

    def get(self, kind: str, key: str, path: str) -> JsonObject | None:
        """The object, or None when it is gone (404/410 or soft-deleted)."""
        found = self.request(kind, key, "GET", path, missing_ok=True)
        if found is None or found.get("deleted_at"):
            return None
        return found
