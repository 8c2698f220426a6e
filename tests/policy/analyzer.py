"""Drive the policy pack over the Pulumi analyzer gRPC protocol, the way the engine does.

The engine starts a Python policy pack through the language host as
`python -u -m pulumi.policy <engine address> .` in the pack directory, with PULUMI_PROJECT,
PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_CONFIG in the environment; the pack prints its gRPC port
on stdout. The engine then calls GetAnalyzerInfo, Configure (every policy with its enforcement
level and config), Analyze per resource and AnalyzeStack, each with the resource's properties
marshalled into a protobuf Struct: secrets kept as {sig: secret, value: plaintext}, unknowns as
the sentinel strings (sdk/go/common/resource/plugin/analyzer_plugin.go, rpc.go).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policy"
PROJECT = "clearinghouse"

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
# What the engine sends for a computed (unknown) string/value at preview.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"

CONTAINER = "docker:index/container:Container"
NETWORK = "docker:index/network:Network"

LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "disabled": analyzer_pb2.DISABLED,
}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


def secret(value: Any) -> dict[str, Any]:
    """A secret as the engine marshals it with KeepSecrets."""
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(dict(props))
    return s


def urn_of(type_: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    level: str
    urn: str


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    props: Any  # a dict, or a Struct taken from the program's mock run
    urn: str = ""

    def struct(self) -> struct_pb2.Struct:
        if isinstance(self.props, struct_pb2.Struct):
            return self.props
        return to_struct(self.props)

    @property
    def resource_urn(self) -> str:
        return self.urn or urn_of(self.type, self.name)


class Analyzer:
    def __init__(self, stack: str = "dev", timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "PULUMI_PROJECT": PROJECT,
            "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true",
            "PULUMI_CONFIG": "{}",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
            cwd=PACK_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            port = self._read_port(timeout)
            self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self.channel).result(timeout=timeout)
        except BaseException:
            self.close()
            raise
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        self.defaults = {p.name: p.enforcementLevel for p in self.info.policies}

    def _read_port(self, timeout: float) -> int:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            self.proc.kill()
            err = self.proc.stderr.read().decode() if self.proc.stderr else ""
            raise RuntimeError(f"policy pack did not print its port: {line!r}\n{err}")
        return int(line)

    def close(self) -> None:
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def configure(self, config: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """Like the engine: every policy gets its enforcement level (the user's or the pack's
        default) and the user's properties for it."""
        config = config or {}
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, default in self.defaults.items():
            user = dict(config.get(name, {}))
            level = user.pop("enforcementLevel", None)
            entry = request.policyConfig[name]
            entry.enforcementLevel = LEVELS[level] if level else default
            if user:
                entry.properties.update(user)
        self.stub.Configure(request)

    def analyze(self, resource: Resource) -> list[Diagnostic]:
        response = self.stub.Analyze(
            analyzer_pb2.AnalyzeRequest(
                type=resource.type,
                name=resource.name,
                urn=resource.resource_urn,
                properties=resource.struct(),
            )
        )
        return _diagnostics(response, resource.resource_urn)

    def analyze_stack(self, resources: Sequence[Resource]) -> list[Diagnostic]:
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            request.resources.append(
                analyzer_pb2.AnalyzerResource(
                    type=r.type, name=r.name, urn=r.resource_urn, properties=r.struct()
                )
            )
        return _diagnostics(self.stub.AnalyzeStack(request), "")


def _diagnostics(response: Any, default_urn: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            policy=d.policyName,
            message=d.message,
            level=LEVEL_NAMES.get(d.enforcementLevel, str(d.enforcementLevel)),
            urn=d.urn or default_urn,
        )
        for d in response.diagnostics
    ]


def struct_to_dict(s: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(s)
