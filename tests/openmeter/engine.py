"""A small stand-in for the Pulumi engine driving the OpenMeter dynamic providers.

Two backends with one interface:
- `GrpcHost` starts the real dynamic-provider host (`python -u -m pulumi.dynamic`) and speaks
  gRPC to it exactly like the engine: Configure with the stack config, then Check/Diff/Create/
  Read/Update/Delete with the pickled provider in the `__provider` property.
- `DirectHost` calls the provider objects in-process (same unpickle + configure first).

`Engine` runs "up", "refresh" and "destroy" over an ordered list of declarations, keeping a
state of (id, inputs, outputs) per resource the way the engine does.
"""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dill
import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
PROVIDER_KEY = "__provider"
Props = dict[str, Any]


@dataclass
class Diff:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool


class Host(Protocol):
    def check(self, urn: str, olds: Props, news: Props) -> tuple[Props, list[tuple[str, str]]]: ...
    def diff(self, urn: str, id_: str, olds: Props, news: Props) -> Diff: ...
    def create(self, urn: str, props: Props) -> tuple[str, Props]: ...
    def read(self, urn: str, id_: str, props: Props) -> tuple[str, Props]: ...
    def update(self, urn: str, id_: str, olds: Props, news: Props) -> Props: ...
    def delete(self, urn: str, id_: str, props: Props) -> None: ...


def _struct(props: Props) -> struct_pb2.Struct:
    return asyncio.run(rpc.serialize_properties(props, {}))


def _plain(struct: struct_pb2.Struct) -> Props:
    return dict(rpc.deserialize_properties(struct))


class GrpcHost:
    def __init__(self, stack_config: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={"PULUMI_PROJECT": "clearinghouse", "PATH": "/usr/bin:/bin"},
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        # The engine hands dynamic providers the whole stack config, namespaces kept.
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=_struct(dict(stack_config)), acceptSecrets=True)
        )

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.wait(timeout=10)

    def check(self, urn: str, olds: Props, news: Props) -> tuple[Props, list[tuple[str, str]]]:
        answer = self.stub.Check(
            provider_pb2.CheckRequest(urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return _plain(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def diff(self, urn: str, id_: str, olds: Props, news: Props) -> Diff:
        answer = self.stub.Diff(
            provider_pb2.DiffRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return Diff(
            answer.changes == provider_pb2.DiffResponse.DIFF_SOME,
            list(answer.replaces),
            answer.deleteBeforeReplace,
        )

    def create(self, urn: str, props: Props) -> tuple[str, Props]:
        answer = self.stub.Create(provider_pb2.CreateRequest(urn=urn, properties=_struct(props)))
        return answer.id, _plain(answer.properties)

    def read(self, urn: str, id_: str, props: Props) -> tuple[str, Props]:
        answer = self.stub.Read(
            provider_pb2.ReadRequest(id=id_, urn=urn, properties=_struct(props))
        )
        return answer.id, _plain(answer.properties)

    def update(self, urn: str, id_: str, olds: Props, news: Props) -> Props:
        answer = self.stub.Update(
            provider_pb2.UpdateRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return _plain(answer.properties)

    def delete(self, urn: str, id_: str, props: Props) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=urn, properties=_struct(props)))


class DirectHost:
    """Same protocol in-process: unpickle `__provider` and configure it, like the host does."""

    def __init__(self, stack_config: dict[str, str]) -> None:
        self.config = stack_config
        self._cache: dict[str, ResourceProvider] = {}

    def _provider(self, props: Props) -> ResourceProvider:
        blob = props[PROVIDER_KEY]
        if blob not in self._cache:
            provider: ResourceProvider = dill.loads(base64.b64decode(blob))  # noqa: S301
            provider.configure(ConfigureRequest(Config(dict(self.config), "clearinghouse")))
            self._cache[blob] = provider
        return self._cache[blob]

    def check(self, urn: str, olds: Props, news: Props) -> tuple[Props, list[tuple[str, str]]]:
        result = self._provider(news).check(olds, news)
        inputs = {**result.inputs, PROVIDER_KEY: news[PROVIDER_KEY]}
        return inputs, [(f.property, f.reason) for f in result.failures]

    def diff(self, urn: str, id_: str, olds: Props, news: Props) -> Diff:
        result = self._provider(news).diff(id_, olds, news)
        return Diff(
            bool(result.changes), list(result.replaces or []), bool(result.delete_before_replace)
        )

    def create(self, urn: str, props: Props) -> tuple[str, Props]:
        result = self._provider(props).create(props)
        return str(result.id), {**(result.outs or {}), PROVIDER_KEY: props[PROVIDER_KEY]}

    def read(self, urn: str, id_: str, props: Props) -> tuple[str, Props]:
        result = self._provider(props).read(id_, props)
        return str(result.id or ""), {**(result.outs or {}), PROVIDER_KEY: props[PROVIDER_KEY]}

    def update(self, urn: str, id_: str, olds: Props, news: Props) -> Props:
        result = self._provider(news).update(id_, olds, news)
        return {**(result.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}

    def delete(self, urn: str, id_: str, props: Props) -> None:
        self._provider(props).delete(id_, props)


@dataclass
class Declared:
    name: str
    provider: ResourceProvider
    # Inputs from the outputs of resources declared before (the engine resolves Outputs).
    inputs: Callable[[dict[str, Props]], Props]


@dataclass
class Recorded:
    id: str
    inputs: Props
    outputs: Props


@dataclass
class Engine:
    host: Host
    state: dict[str, Recorded] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)

    def up(self, declared: list[Declared]) -> list[tuple[str, str]]:
        """One `pulumi up`; returns (operation, name) for everything it did but same-steps."""
        steps: list[tuple[str, str]] = []
        outputs = {name: rec.outputs for name, rec in self.state.items()}
        wanted = {d.name for d in declared}
        for item in declared:
            urn = f"urn:pulumi:test::clearinghouse::openmeter::{item.name}"
            news = {**item.inputs(outputs), PROVIDER_KEY: serialize_provider(item.provider)}
            old = self.state.get(item.name)
            checked, failures = self.host.check(urn, old.inputs if old else {}, news)
            if failures:
                raise CheckFailed(item.name, failures)
            if old is None:
                id_, outs = self.host.create(urn, checked)
                steps.append(("create", item.name))
            else:
                diff = self.host.diff(urn, old.id, old.outputs, checked)
                if diff.replaces:
                    if diff.delete_before_replace:
                        self.host.delete(urn, old.id, old.outputs)
                        id_, outs = self.host.create(urn, checked)
                    else:
                        id_, outs = self.host.create(urn, checked)
                        self.host.delete(urn, old.id, old.outputs)
                    steps.append(("replace", item.name))
                elif diff.changes:
                    id_, outs = old.id, self.host.update(urn, old.id, old.outputs, checked)
                    steps.append(("update", item.name))
                else:
                    id_, outs = old.id, old.outputs
            self.state[item.name] = Recorded(id_, checked, outs)
            outputs[item.name] = outs
        for name in [n for n in reversed(list(self.state)) if n not in wanted]:
            urn = f"urn:pulumi:test::clearinghouse::openmeter::{name}"
            self.host.delete(urn, self.state[name].id, self.state[name].outputs)
            del self.state[name]
            steps.append(("delete", name))
        self.log.extend(steps)
        return steps

    def refresh(self) -> list[str]:
        """`pulumi refresh`: names whose outputs changed or that are gone."""
        drifted = []
        for name, rec in list(self.state.items()):
            urn = f"urn:pulumi:test::clearinghouse::openmeter::{name}"
            id_, outs = self.host.read(urn, rec.id, rec.outputs)
            if not id_:
                del self.state[name]
                drifted.append(name)
            elif outs != rec.outputs:
                self.state[name] = Recorded(id_, rec.inputs, outs)
                drifted.append(name)
        return drifted

    def preview(self, declared: list[Declared]) -> dict[str, Diff]:
        """Check + Diff only, as `pulumi preview` does for existing resources."""
        diffs = {}
        outputs = {name: rec.outputs for name, rec in self.state.items()}
        for item in declared:
            old = self.state.get(item.name)
            if old is None:
                continue
            urn = f"urn:pulumi:test::clearinghouse::openmeter::{item.name}"
            news = {**item.inputs(outputs), PROVIDER_KEY: serialize_provider(item.provider)}
            checked, _ = self.host.check(urn, old.inputs, news)
            diffs[item.name] = self.host.diff(urn, old.id, old.outputs, checked)
        return diffs

    def destroy(self) -> list[str]:
        order = list(reversed(list(self.state)))
        for name in order:
            urn = f"urn:pulumi:test::clearinghouse::openmeter::{name}"
            self.host.delete(urn, self.state[name].id, self.state[name].outputs)
            del self.state[name]
        return order


class CheckFailed(Exception):  # noqa: N818 - mirrors the engine's check failure
    def __init__(self, name: str, failures: list[tuple[str, str]]) -> None:
        super().__init__(f"{name}: {failures}")
        self.failures = failures
