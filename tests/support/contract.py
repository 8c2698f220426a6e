"""Validation of OpenMeter v3 requests and responses against the shared contract.

One module for every place that checks traffic against ../shared/openmeter/openapi.v3.yaml:
the fake checks what it receives and what it answers, and tests may check any httpx exchange.
Each check returns a list of human-readable violations (empty = valid); callers decide whether
to fail, so nothing here can swallow a problem silently.

Two deliberate departures from "hand everything to openapi-core", both still validated:
- The contract declares `page`/`filter` as `style: deepObject` without `explode`. OpenAPI 3.0
  defaults `explode` to false for every style but `form`, and openapi-core 0.23 only decodes
  deepObject with explode=true, so it reports *every* list call (even one without a query) as
  invalid. deepObject is only defined for exploded objects, so we set `explode: true` on those
  parameters in our in-memory copy of the spec; openapi-core then decodes `page[number]=2`,
  casts it to the declared integer and validates it against the parameter schema (unknown
  members such as `page[bogus]` or a `filter[...]` the operation does not offer are rejected).
- openapi-core decodes only one level of deepObject (`filter[key]=x`). A nested form such as
  `filter[key][eq]=x` would be mis-decoded and accepted, so we report it as a violation
  instead of trusting that result. Our client never sends the nested form.
- Responses the contract does not list (429 and 5xx, which only injected faults produce) cannot
  be matched by openapi-core; `problem_violations` checks such bodies against the contract's
  own `BaseError` schema instead.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from werkzeug.datastructures import Headers, ImmutableMultiDict

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = Path(
    os.environ.get("OPENMETER_SPEC", REPO_ROOT.parent / "shared" / "openmeter" / "openapi.v3.yaml")
)
# The contract's first server is http://localhost:{port}/api/v3 (port defaults to 8888).
_HOST_URL = "http://localhost:8888"
_SERVER_PREFIX = "/api/v3"
CLOUDEVENT_TYPES = ("application/cloudevents+json", "application/cloudevents-batch+json")
_NESTED_DEEP_OBJECT = re.compile(r"^[^\[\]]+\[[^\[\]]*\]\[")


@cache
def spec_dict() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        raise FileNotFoundError(
            f"the OpenMeter contract is missing at {SPEC_PATH}: put shared/ beside the checkout "
            "or set OPENMETER_SPEC=<path to openapi.v3.yaml>"
        )
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    _explode_deep_objects(spec)
    return spec


def _explode_deep_objects(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("style") == "deepObject" and "in" in node:
            node["explode"] = True
        for value in node.values():
            _explode_deep_objects(value)
    elif isinstance(node, list):
        for value in node:
            _explode_deep_objects(value)


@cache
def contract() -> OpenAPI:
    # The CloudEvents media types are JSON, but openapi-core only parses types it knows.
    # Problem bodies (application/problem+json) are JSON too.
    json_types = (*CLOUDEVENT_TYPES, "application/problem+json")
    config = Config(extra_media_type_deserializers=dict.fromkeys(json_types, json.loads))
    return OpenAPI.from_dict(spec_dict(), config=config)


@cache
def _schema_validator(name: str, direction: str) -> OAS30ReadValidator | OAS30WriteValidator:
    root = {"$ref": f"#/components/schemas/{name}", "components": spec_dict()["components"]}
    # Read/write matter: required readOnly members are enforced only when reading a response.
    cls = OAS30ReadValidator if direction == "read" else OAS30WriteValidator
    return cls(root, format_checker=oas30_format_checker)


def schema_violations(name: str, instance: Any, direction: str = "read") -> list[str]:
    """Errors of `instance` against components.schemas.<name>; direction "read" or "write"."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '<root>'}: {err.message}"
        for err in _schema_validator(name, direction).iter_errors(instance)
    ]


def problem_violations(body: bytes) -> list[str]:
    """For responses the contract does not list (injected 429/5xx): a BaseError problem body."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return ["problem body is not JSON"]
    return [f"problem body: {v}" for v in schema_violations("BaseError", parsed)]


@dataclass
class _Request:
    method: str
    path: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters
    host_url: str = _HOST_URL


@dataclass
class _Response:
    status_code: int
    content_type: str
    data: bytes | None
    headers: Headers = field(default_factory=Headers)


def _request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes | None,
) -> _Request:
    return _Request(
        method=method.lower(),
        path=_SERVER_PREFIX + path,
        body=body or None,
        content_type=(content_type or "").lower(),
        parameters=RequestParameters(query=ImmutableMultiDict(list(query)), header=Headers()),
    )


def _describe(errors: Iterable[BaseException]) -> list[str]:
    out: list[str] = []
    for err in errors:
        detail = repr(err)
        cause = err.__cause__
        if cause is not None:
            inner = getattr(cause, "schema_errors", None)
            detail += f" caused by {cause!r}"
            if inner:
                detail += ": " + "; ".join(getattr(e, "message", str(e)) for e in inner)
        out.append(detail)
    return out


def _query_violations(query: Sequence[tuple[str, str]]) -> list[str]:
    return [
        f"query parameter {name!r}: nested deepObject form is not decoded by openapi-core, "
        "so it cannot be validated; send the flat form (filter[key]=value)"
        for name, _ in query
        if _NESTED_DEEP_OBJECT.match(name)
    ]


def request_violations(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]] = (),
    content_type: str | None = None,
    body: bytes | None = None,
) -> list[str]:
    """`path` is the API path as the contract spells it, e.g. /openmeter/meters/{id}."""
    result = contract().unmarshal_request(_request(method, path, query, content_type, body))
    return _query_violations(query) + [
        f"request {method} {path}: {d}" for d in _describe(result.errors)
    ]


def response_violations(
    method: str,
    path: str,
    status: int,
    content_type: str | None,
    body: bytes | None,
    *,
    query: Sequence[tuple[str, str]] = (),
    request_content_type: str | None = None,
    request_body: bytes | None = None,
) -> list[str]:
    request = _request(method, path, query, request_content_type, request_body)
    response = _Response(status_code=status, content_type=(content_type or "").lower(), data=body)
    result = contract().unmarshal_response(request, response)
    return [f"response {status} to {method} {path}: {d}" for d in _describe(result.errors)]


def documented_statuses(method: str, path: str) -> set[int] | None:
    """Statuses the contract lists for an operation; None when no operation matches the path."""
    for template, item in spec_dict()["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return {int(code) for code in item[method.lower()]["responses"]}
    return None


def _openmeter_path(url: httpx.URL) -> str:
    path = url.path
    index = path.find("/openmeter/")
    return path[index:] if index >= 0 else path


def exchange_violations(request: httpx.Request, response: httpx.Response | None) -> list[str]:
    """Check one httpx request (and its response, when one came back) against the contract."""
    path = _openmeter_path(request.url)
    query: list[tuple[str, str]] = list(request.url.params.multi_items())
    content_type = request.headers.get("content-type")
    body = request.content or None
    found = request_violations(request.method, path, query, content_type, body)
    if response is not None:
        found += response_violations(
            request.method,
            path,
            response.status_code,
            response.headers.get("content-type"),
            response.content or None,
            query=query,
            request_content_type=content_type,
            request_body=body,
        )
    return found
