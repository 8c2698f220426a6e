"""FakeOpenMeter: an in-memory, stateful stand-in for the OpenMeter v3 API.

One `handle()` entry point serves both the in-process httpx transport and the HTTP server, so
both see the same routing, faults, recording and contract checks.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support import contract
from tests.support.openmeter_fake.billing import BillingState
from tests.support.openmeter_fake.catalog import CatalogState, Record, get_live, live
from tests.support.openmeter_fake.events import event_schema_violations, parse_events
from tests.support.openmeter_fake.faults import Fault
from tests.support.openmeter_fake.ids import new_ulid
from tests.support.openmeter_fake.problems import ApiProblem, FakeResponse, problem

Handler = Callable[["_Call"], FakeResponse]
_ID = r"(?P<id>[^/]+)"
_DEEP = re.compile(r"^(?P<name>[a-z_]+)\[(?P<member>[a-z_]+)\](?:\[(?P<op>[a-z]+)\])?$")


@dataclass(frozen=True)
class _Incoming:
    method: str
    path: str
    query: Sequence[tuple[str, str]]
    headers: Mapping[str, str]
    body: bytes
    content_type: str | None
    instance: str


class _Call:
    def __init__(self, path_id: str | None, query: Sequence[tuple[str, str]], body: Any) -> None:
        self.id = path_id or ""
        self.body = body
        self.page: dict[str, str] = {}
        self.filter: dict[str, str] = {}
        for name, value in query:
            match = _DEEP.match(name)
            if match is None:
                continue
            if match["op"] not in (None, "eq"):
                raise ApiProblem(400, f"unsupported filter operator in {name}", name)
            target = self.page if match["name"] == "page" else self.filter
            if match["name"] in ("page", "filter"):
                target[match["member"]] = value


class FakeOpenMeter:
    """All state in memory. See tests/support/openmeter_fake/__init__.py for the public API."""

    def __init__(
        self, *, validate: bool = True, api_key: str | None = None, defer_event_schema: bool = False
    ) -> None:
        self.validate = validate
        # Benchmarks only: events are schema-checked after the run (deferred_event_violations).
        self.defer_event_schema = defer_event_schema
        self.api_key = api_key
        self.catalog = CatalogState()
        self.billing = BillingState(self.catalog)
        self.events: list[dict[str, Any]] = []
        self.event_requests: list[tuple[str, int]] = []
        self.requests: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self._lock = threading.RLock()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._register_routes()

    # --- public helpers ---------------------------------------------------------------------
    @property
    def meters(self) -> dict[str, Record]:
        return self.catalog.meters

    @property
    def features(self) -> dict[str, Record]:
        return self.catalog.features

    @property
    def plans(self) -> dict[str, Record]:
        return self.catalog.plans

    @property
    def customers(self) -> dict[str, Record]:
        return self.billing.customers

    @property
    def subscriptions(self) -> dict[str, Record]:
        return self.billing.subscriptions

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def count(self, method: str | None = None, prefix: str = "") -> int:
        """Requests received so far, optionally of one method and under a path prefix."""
        return sum(
            1 for m, p in self.requests if (method is None or m == method) and p.startswith(prefix)
        )

    def transport(self) -> httpx.BaseTransport:
        from tests.support.openmeter_fake.transport import FakeTransport

        return FakeTransport(self)

    # --- request handling -------------------------------------------------------------------
    def handle(
        self,
        method: str,
        raw_path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> FakeResponse:
        method = method.upper()
        index = raw_path.find("/openmeter/")
        path = raw_path[index:].rstrip("/") if index >= 0 else raw_path
        content_type = _header(headers, "content-type")
        instance = f"fake:trace:{new_ulid()}"
        with self._lock:
            self.requests.append((method, path))
            fault = next((f for f in self.faults if f.matches(method, path, body)), None)
            if fault is not None:
                fault.times -= 1
            request_errors: list[str] = []
            if self.validate and index >= 0:
                request_errors = contract.request_violations(
                    method, path, query, content_type, body
                )
                self.violations.extend(request_errors)
            if fault is not None and fault.status is not None:
                headers_out = {}
                if fault.retry_after is not None:
                    headers_out["Retry-After"] = f"{fault.retry_after:g}"
                response = problem(fault.status, fault.detail, instance, headers=headers_out)
                response.injected = True
            elif fault is not None and fault.drop_connection and not fault.apply:
                return FakeResponse(0, drop_connection=True, delay_s=fault.delay_s)
            else:
                incoming = _Incoming(method, path, query, headers, body, content_type, instance)
                response = self._dispatch(incoming, request_errors)
            self._check_response(
                _Incoming(method, path, query, headers, body, content_type, instance), response
            )
        if fault is not None:
            response.delay_s = fault.delay_s
            response.drop_connection = fault.drop_connection
        return response

    def _check_response(self, incoming: _Incoming, response: FakeResponse) -> None:
        if not self.validate:
            return
        method, path = incoming.method, incoming.path
        documented = contract.documented_statuses(method, path)
        if documented is None or response.status not in documented:
            if not response.injected:
                self.violations.append(
                    f"fake answered {response.status} to {method} {path}, "
                    "a status the contract does not list"
                )
            # Injected 429/5xx are outside the contract by design: check the problem shape.
            self.violations.extend(contract.problem_violations(response.body))
            return
        self.violations.extend(
            contract.response_violations(
                method,
                path,
                response.status,
                response.content_type,
                response.body or None,
                query=incoming.query,
                request_content_type=incoming.content_type,
                request_body=incoming.body or None,
            )
        )

    def _dispatch(self, incoming: _Incoming, request_errors: list[str]) -> FakeResponse:
        authorization = _header(incoming.headers, "authorization") or ""
        token = authorization.removeprefix("Bearer ").strip()
        if not authorization.startswith("Bearer ") or not token:
            return problem(401, "missing bearer token", incoming.instance)
        if self.api_key is not None and token != self.api_key:
            return problem(401, "invalid token", incoming.instance)
        try:
            return self._route(incoming, request_errors)
        except ApiProblem as err:
            return err.response(incoming.instance)
        except (KeyError, TypeError, ValueError) as err:
            # Only reachable with validate=False: a body the contract would have rejected.
            return problem(400, f"malformed request: {err!r}", incoming.instance)

    def _route(self, incoming: _Incoming, request_errors: list[str]) -> FakeResponse:
        method, path = incoming.method, incoming.path
        if method == "POST" and path == "/openmeter/events":
            return self._ingest(incoming.content_type or "", incoming.body)
        if request_errors:
            raise ApiProblem(400, "request does not match the contract: " + request_errors[0])
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if route_method == method and match is not None:
                parsed = json.loads(incoming.body) if incoming.body else None
                return handler(_Call(match.groupdict().get("id"), incoming.query, parsed))
        raise ApiProblem(404, f"no route for {method} {path}")

    def _ingest(self, content_type: str, body: bytes) -> FakeResponse:
        events = parse_events(content_type, body, check_schema=not self.defer_event_schema)
        self.events.extend(events)
        self.event_requests.append((content_type, len(events)))
        return FakeResponse(202)

    def deferred_event_violations(self) -> list[str]:
        with self._lock:
            return event_schema_violations(list(self.events))

    # --- routes -----------------------------------------------------------------------------
    def _register_routes(self) -> None:
        cat, bill = self.catalog, self.billing

        def add(method: str, template: str, handler: Handler) -> None:
            self._routes.append((method, re.compile(f"^{template}$"), handler))

        def created(record: Record) -> FakeResponse:
            return FakeResponse.json(201, _public(record))

        def ok(record: Record) -> FakeResponse:
            return FakeResponse.json(200, _public(record))

        def gone(action: Callable[[str], None]) -> Handler:
            def handler(call: _Call) -> FakeResponse:
                action(call.id)
                return FakeResponse(204)

            return handler

        m, f, p = "/openmeter/meters", "/openmeter/features", "/openmeter/plans"
        c, s = "/openmeter/customers", "/openmeter/subscriptions"
        add("GET", m, lambda q: _list(live(cat.meters), q, {"key": _k("key"), "name": _k("name")}))
        add("POST", m, lambda q: created(cat.create_meter(q.body)))
        add("GET", f"{m}/{_ID}", lambda q: ok(get_live(cat.meters, "meter", q.id)))
        add("PUT", f"{m}/{_ID}", lambda q: ok(cat.update_meter(q.id, q.body)))
        add("DELETE", f"{m}/{_ID}", gone(cat.delete_meter))
        feature_filters = {"key": _k("key"), "name": _k("name"), "meter_id": _meter_id}
        add("GET", f, lambda q: _list(live(cat.features), q, feature_filters))
        add("POST", f, lambda q: created(cat.create_feature(q.body)))
        add("GET", f"{f}/{_ID}", lambda q: ok(cat.get_feature(q.id)))
        add("PATCH", f"{f}/{_ID}", lambda q: ok(cat.patch_feature(q.id, q.body)))
        add("DELETE", f"{f}/{_ID}", gone(cat.archive_feature))
        plan_filters = {k: _k(k) for k in ("key", "name", "status", "currency")}
        add("GET", p, lambda q: _list(live(cat.plans), q, plan_filters))
        add("POST", p, lambda q: created(cat.create_plan(q.body)))
        add("GET", f"{p}/{_ID}", lambda q: ok(get_live(cat.plans, "plan", q.id)))
        add("PUT", f"{p}/{_ID}", lambda q: ok(cat.update_plan(q.id, q.body)))
        add("DELETE", f"{p}/{_ID}", gone(cat.delete_plan))
        add("POST", f"{p}/{_ID}/publish", lambda q: ok(cat.publish_plan(q.id)))
        add("POST", f"{p}/{_ID}/archive", lambda q: ok(cat.archive_plan(q.id)))
        customer_filters = {
            "key": _k("key"),
            "name": _k("name"),
            "primary_email": _k("primary_email"),
            "usage_attribution_subject_key": _subject_keys,
        }
        add("GET", c, lambda q: _list(live(bill.customers), q, customer_filters))
        add("POST", c, lambda q: created(bill.create_customer(q.body)))
        add("GET", f"{c}/{_ID}", lambda q: ok(get_live(bill.customers, "customer", q.id)))
        add("PUT", f"{c}/{_ID}", lambda q: ok(bill.upsert_customer(q.id, q.body)))
        add("DELETE", f"{c}/{_ID}", gone(bill.delete_customer))
        subscription_filters = {
            "id": _k("id"),
            "customer_id": _k("customer_id"),
            "status": _k("status"),
            "plan_id": _k("plan_id"),
            "plan_key": _plan_key,
        }
        add("GET", s, lambda q: _list(list(bill.subscriptions.values()), q, subscription_filters))
        add("POST", s, lambda q: created(bill.create_subscription(q.body)))
        add("GET", f"{s}/{_ID}", lambda q: ok(get_live(bill.subscriptions, "subscription", q.id)))
        add("POST", f"{s}/{_ID}/cancel", lambda q: ok(bill.cancel_subscription(q.id)))


Extractor = Callable[[Record], list[str]]


def _k(name: str) -> Extractor:
    return lambda record: [str(record[name])] if name in record else []


def _meter_id(record: Record) -> list[str]:
    return [record["meter"]["id"]] if "meter" in record else []


def _subject_keys(record: Record) -> list[str]:
    return list(record["usage_attribution"]["subject_keys"])


def _plan_key(record: Record) -> list[str]:
    return [record["plan"]["key"]] if "plan" in record else []


def _list(records: list[Record], call: _Call, filters: dict[str, Extractor]) -> FakeResponse:
    selected = records
    for name, wanted in call.filter.items():
        extract = filters.get(name)
        if extract is None:
            raise ApiProblem(400, f"unsupported filter {name}", f"filter[{name}]")
        selected = [r for r in selected if wanted in extract(r)]
    selected = sorted(selected, key=lambda r: (r["created_at"], r["id"]))
    number = int(call.page.get("number", "1"))
    size = int(call.page.get("size", "20"))
    if number < 1 or not 1 <= size <= 1000:
        raise ApiProblem(400, "page[number] must be >= 1 and page[size] within 1..1000", "page")
    window = selected[(number - 1) * size : number * size]
    return FakeResponse.json(
        200,
        {
            "data": [_public(r) for r in window],
            "meta": {"page": {"number": number, "size": size, "total": len(selected)}},
        },
    )


def _public(record: Record) -> Record:
    return record


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
