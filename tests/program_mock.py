"""Run the real `__main__.py` under Pulumi mocks and record what it registers.

Used by the program tests and by the policy tests (which feed the recorded resources to the
real policy analyzer).
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from google.protobuf import struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "clearinghouse"
# The engine marks a secret value in a Struct with this signature key and value.
SECRET_SIG_KEY = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig


@dataclass
class RegisteredResource:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    # The inputs as the engine receives them (secrets still wrapped); a google.protobuf.Struct.
    raw_inputs: Any
    dependencies: list[str]
    provider: str
    retain_on_delete: bool


@dataclass
class ProgramRun:
    resources: list[RegisteredResource] = field(default_factory=list)
    component_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> RegisteredResource:
        matches = [r for r in self.resources if r.name == name]
        assert len(matches) == 1, f"expected one resource named {name}, got {len(matches)}"
        return matches[0]

    def containers(self) -> dict[str, RegisteredResource]:
        """Containers keyed by their `clearinghouse.role` label."""
        out = {}
        for res in self.of_type("docker:index/container:Container"):
            labels = {item["label"]: item["value"] for item in res.inputs.get("labels", [])}
            out[labels["clearinghouse.role"]] = res
        return out

    def by_urn(self, urn: str) -> RegisteredResource:
        return next(r for r in self.resources if r.urn == urn)


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ == "docker:index/container:Container":
            state.setdefault("name", args.name)
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, run: ProgramRun) -> None:
        super().__init__(_Mocks())
        self.run = run

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            self.run.resources.append(
                RegisteredResource(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    custom=request.custom,
                    inputs=unwrap_secrets(rpc.deserialize_properties(request.object)),
                    raw_inputs=request.object,
                    dependencies=list(request.dependencies),
                    provider=request.provider,
                    retain_on_delete=request.retainOnDelete,
                )
            )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        outputs = unwrap_secrets(rpc.deserialize_properties(request.outputs))
        self.run.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


def dev_stack_config() -> dict[str, Any]:
    """Pulumi.dev.yaml's config, with the project prefix stripped."""
    doc = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    prefix = f"{PROJECT}:"
    return {k.removeprefix(prefix): v for k, v in doc["config"].items()}


def _engine_value(value: Any) -> str:
    # The engine hands every config value to the program as a string; arrays as JSON.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        import json

        return json.dumps(list(value))
    return str(value)


def run_program(
    config: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    stack: str = "dev",
    preview: bool = False,
    into: ProgramRun | None = None,
) -> ProgramRun:
    """Run __main__.py with `config` (keys without the project prefix).

    `into` receives the registrations even when the program raises.
    """
    run = ProgramRun() if into is None else into
    pulumi.runtime.set_mocks(
        _Mocks(), project=PROJECT, stack=stack, preview=preview, monitor=_RecordingMonitor(run)
    )
    pulumi.runtime.set_all_config(
        {f"{PROJECT}:{k}": _engine_value(v) for k, v in config.items()},
        [f"{PROJECT}:{k}" for k in secret_keys],
    )

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    program()
    return run


def unwrap_secrets(value: Any) -> Any:
    """Plain values for assertions; secret-ness is asserted on `raw_inputs` instead."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return unwrap_secrets(value["value"])
        return {k: unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap_secrets(v) for v in value]
    return value


def is_secret_struct(value: Any) -> bool:
    """True when a protobuf Struct value is the engine's secret wrapper."""
    fields = getattr(value, "fields", None)
    if fields is None or SECRET_SIG_KEY not in fields:
        return False
    return bool(fields[SECRET_SIG_KEY].string_value == SECRET_SIG)


def walk_plaintext(value: Any) -> Iterator[Any]:
    """Every nested Struct/ListValue/Value node below `value`, not entering secret wrappers."""
    yield value
    if isinstance(value, struct_pb2.Struct) and not is_secret_struct(value):
        for child in value.fields.values():
            yield from walk_plaintext(child)
    elif isinstance(value, struct_pb2.ListValue):
        for child in value.values:
            yield from walk_plaintext(child)
    elif isinstance(value, struct_pb2.Value):
        kind = value.WhichOneof("kind")
        if kind == "struct_value":
            yield from walk_plaintext(value.struct_value)
        elif kind == "list_value":
            yield from walk_plaintext(value.list_value)
