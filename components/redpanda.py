"""Redpanda: the Kafka-compatible bus, on the internal network only, plus its topics."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_command as command
import pulumi_docker as docker

from components import container_defaults
from components.network import Placement
from components.topic_script import ensure_topic_script
from settings.model import REDPANDA_ADMIN_PORT, REDPANDA_KAFKA_PORT, KafkaSettings, RedpandaSettings

# `rpk cluster health` always prints `Healthy: <bool>`; only `true` may pass (grep -q Healthy,
# as the seed does, also matches `Healthy: false`).
HEALTH_TEST = ["CMD-SHELL", "rpk cluster health | grep -Eq '^Healthy:[[:space:]]+true$'"]
DATA_DIR = "/var/lib/redpanda/data"
# rpk rewrites redpanda.yaml from the start flags, so the config dir must be writable.
CONFIG_DIR = "/etc/redpanda"


def redpanda_args(settings: RedpandaSettings) -> list[str]:
    alias = settings.network_alias
    args = [
        "redpanda",
        "start",
        f"--kafka-addr=internal://0.0.0.0:{REDPANDA_KAFKA_PORT}",
        f"--advertise-kafka-addr=internal://{alias}:{REDPANDA_KAFKA_PORT}",
        "--rpc-addr=0.0.0.0:33145",
        f"--advertise-rpc-addr={alias}:33145",
        f"--smp={settings.smp}",
        f"--memory={settings.memory_mib}M",
        "--default-log-level=info",
    ]
    if settings.dev_mode:
        args.append("--mode=dev-container")
    if settings.reactor_backend:
        args.append(f"--reactor-backend={settings.reactor_backend}")
    return args


@dataclass(frozen=True)
class RedpandaArgs:
    settings: RedpandaSettings
    kafka: KafkaSettings
    docker_host: str
    placement: Placement


class Redpanda(pulumi.ComponentResource):
    container: docker.Container
    topics: list[command.local.Command]

    def __init__(
        self, name: str, args: RedpandaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:redpanda:Redpanda", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.placement.provider)
        s = args.settings
        # Unbilled events live here: destroying the stack must not destroy them.
        data = docker.Volume(
            f"{name}-data",
            name=f"{args.placement.name_prefix}-redpanda-data",
            opts=child.merge(pulumi.ResourceOptions(retain_on_delete=True)),
        )
        config = docker.Volume(
            f"{name}-config", name=f"{args.placement.name_prefix}-redpanda-config", opts=child
        )
        container_name = f"{args.placement.name_prefix}-redpanda"
        self.container = docker.Container(
            f"{name}-container",
            name=container_name,
            image=s.image,
            command=redpanda_args(s),
            hostname=s.network_alias,
            networks_advanced=[
                docker.ContainerNetworksAdvancedArgs(
                    name=args.placement.internal.name, aliases=[s.network_alias]
                )
            ],
            # Kafka and admin API stay unpublished: clients are on the private network.
            ports=[],
            volumes=[
                docker.ContainerVolumeArgs(volume_name=data.name, container_path=DATA_DIR),
                docker.ContainerVolumeArgs(volume_name=config.name, container_path=CONFIG_DIR),
            ],
            **container_defaults.hardened(
                role="broker",
                labels=args.placement.labels,
                memory_mib=s.container_memory_mib,
                cpus=s.cpus,
                tmp_mib=64,
            ),
            healthcheck=docker.ContainerHealthcheckArgs(
                tests=HEALTH_TEST,
                interval="10s",
                timeout="5s",
                retries=12,
                start_period="30s",
            ),
            # `wait` makes Pulumi block until the health check passes, so dependents start
            # only against a healthy broker.
            wait=True,
            wait_timeout=180,
            opts=child.merge(pulumi.ResourceOptions(depends_on=[data, config])),
        )
        self.topics = [
            self._topic(name, role, topic, container_name, args)
            for role, topic in (
                ("topic", args.kafka.topic),
                ("dlq-topic", args.kafka.dead_letter_topic),
            )
        ]
        self.register_outputs(
            {
                "container_name": self.container.name,
                "kafka_address": f"{s.network_alias}:{REDPANDA_KAFKA_PORT}",
                "admin_port": REDPANDA_ADMIN_PORT,
                "topics": [args.kafka.topic, args.kafka.dead_letter_topic],
            }
        )

    def _topic(
        self, name: str, role: str, topic: str, container_name: str, args: RedpandaArgs
    ) -> command.local.Command:
        script = ensure_topic_script(
            container_name, topic, args.kafka.partitions, args.kafka.retention_ms
        )
        return command.local.Command(
            f"{name}-{role}",
            create=script,
            update=script,
            # Topics outlive the stack's containers on purpose: they hold unbilled events.
            delete=None,
            interpreter=["/bin/sh", "-c"],
            environment={"DOCKER_HOST": args.docker_host},
            triggers=[self.container.id],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.container]),
        )
