"""Engine-shaped input properties of the stack's resources, as the program declares them.

camelCase names as the pulumi-docker 5.2.0 schema has them; secret uploads wrapped as the engine
sends them. Each builder takes overrides so a test changes exactly one thing.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.policy.analyzer import CONTAINER, NETWORK, Resource, secret

STACK = "dev"
PREFIX = f"clearinghouse-{STACK}"
INTERNAL_NET = f"{PREFIX}-internal"
EGRESS_NET = f"{PREFIX}-egress"
CONFIG_FILE = "/run/livepeer/livepeer.conf"
WEBHOOK_SECRET = "s3cr3t-webhook-bearer-value"
HARDENING: dict[str, Any] = {
    "capabilities": {"drops": ["ALL"], "adds": []},
    "securityOpts": ["no-new-privileges:true"],
    "readOnly": True,
}


def labels(role: str, stack: str = STACK) -> list[dict[str, str]]:
    return [
        {"label": "clearinghouse.managed-by", "value": "pulumi"},
        {"label": "clearinghouse.project", "value": "clearinghouse"},
        {"label": "clearinghouse.role", "value": role},
        {"label": "clearinghouse.stack", "value": stack},
    ]


def signer_command(*extra: str, cli: str | None = "-cliAddr=127.0.0.1:4935") -> list[str]:
    args = [
        "-remoteSigner",
        "-network=arbitrum-one-mainnet",
        "-httpAddr=0.0.0.0:8081",
        "-ethPassword=/run/livepeer/eth-password",
        "-datadir=/data",
        "-monitor",
        "-kafkaBootstrapServers=redpanda:9092",
        "-kafkaGatewayTopic=livepeer-gateway-events",
    ]
    if cli is not None:
        args.insert(3, cli)
    return [*args, *extra, f"-config={CONFIG_FILE}"]


def signer_config_file(webhook_secret: str | None = None) -> str:
    lines = ["ethUrl https://arb1.example.org/rpc/0123456789abcdef"]
    if webhook_secret is not None:
        lines.append(f"remoteSignerWebhookHeaders Authorization:Bearer {webhook_secret}")
    return "\n".join(lines) + "\n"


def signer_props(
    *,
    ip: Any = "127.0.0.1",
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    extra = [f"-remoteSignerWebhookUrl={webhook_url}"] if webhook_url is not None else []
    props: dict[str, Any] = {
        "name": f"{PREFIX}-signer",
        "image": "livepeer/go-livepeer:v0.8.11",
        "command": signer_command(*extra),
        "ports": [{"internal": 8081, "external": 8081, "ip": ip, "protocol": "tcp"}],
        "publishAllPorts": False,
        "networkMode": EGRESS_NET,
        "networksAdvanced": [{"name": EGRESS_NET}, {"name": INTERNAL_NET}],
        "hosts": [{"host": "host.docker.internal", "ip": "host-gateway"}],
        "uploads": [
            {
                "file": CONFIG_FILE,
                "content": secret(signer_config_file(webhook_secret)),
                "permissions": "0400",
            },
            {
                "file": "/run/livepeer/eth-password",
                "content": secret("keystore-password-value"),
                "permissions": "0400",
            },
        ],
        "volumes": [{"volumeName": f"{PREFIX}-signer-secrets", "containerPath": "/run/livepeer"}],
        **copy.deepcopy(HARDENING),
        "restart": "unless-stopped",
        "labels": labels("signer"),
        "logDriver": "json-file",
    }
    props.update(overrides)
    return props


def broker_props(*, dev_mode: bool = True, stack: str = STACK, **overrides: Any) -> dict[str, Any]:
    command = [
        "redpanda",
        "start",
        "--kafka-addr=internal://0.0.0.0:9092",
        "--advertise-kafka-addr=internal://redpanda:9092",
        "--rpc-addr=0.0.0.0:33145",
        "--advertise-rpc-addr=redpanda:33145",
        "--smp=1",
        "--memory=1024M",
    ]
    if dev_mode:
        command.append("--mode=dev-container")
    props: dict[str, Any] = {
        "name": f"{PREFIX}-redpanda",
        "image": "docker.redpanda.com/redpandadata/redpanda:v24.2.4",
        "command": command,
        "hostname": "redpanda",
        "networkMode": INTERNAL_NET,
        "networksAdvanced": [{"name": INTERNAL_NET, "aliases": ["redpanda"]}],
        "ports": [],
        **copy.deepcopy(HARDENING),
        "labels": labels("broker", stack),
    }
    props.update(overrides)
    return props


def collector_props(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": f"{PREFIX}-collector",
        "image": "ghcr.io/openmeterio/benthos-collector:v1.0.0-beta.232",
        "command": ["--config", "/etc/collector/config.yaml"],
        "user": "10001:10001",
        "ports": [],
        "publishAllPorts": False,
        "networkMode": EGRESS_NET,
        "networksAdvanced": [{"name": EGRESS_NET}, {"name": INTERNAL_NET}],
        "uploads": [
            {
                "file": "/etc/collector/config.yaml",
                "content": secret(
                    "output:\n  http_client:\n    headers:\n      Authorization: "
                    "Bearer kpat_0123456789abcdefABCDEF\n"
                ),
                "permissions": "0400",
            }
        ],
        **copy.deepcopy(HARDENING),
        "labels": labels("collector"),
    }
    props.update(overrides)
    return props


def network_props(name: str, internal: bool) -> dict[str, Any]:
    return {
        "name": name,
        "driver": "bridge",
        "internal": internal,
        "labels": [{"label": "clearinghouse.stack", "value": STACK}],
    }


def signer(name: str = "clearinghouse-signer-container", **kw: Any) -> Resource:
    return Resource(CONTAINER, name, signer_props(**kw))


def broker(name: str = "clearinghouse-redpanda-container", **kw: Any) -> Resource:
    return Resource(CONTAINER, name, broker_props(**kw))


def collector(name: str = "clearinghouse-collector-container", **kw: Any) -> Resource:
    return Resource(CONTAINER, name, collector_props(**kw))


def networks() -> list[Resource]:
    return [
        Resource(NETWORK, "clearinghouse-network-internal", network_props(INTERNAL_NET, True)),
        Resource(NETWORK, "clearinghouse-network-egress", network_props(EGRESS_NET, False)),
    ]


def dev_stack() -> list[Resource]:
    return [*networks(), broker(), signer(), collector()]
