"""The OpenMeter benthos-collector: Kafka -> CloudEvents -> OpenMeter ingest."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

import collector as pipeline
from catalog import Catalog
from components import container_defaults
from components.network import Placement
from settings.model import CollectorSettings, KafkaSettings, OpenMeterConnection

# A fixed unprivileged uid: the uploaded config (it embeds the API key) is readable by it alone.
COLLECTOR_UID = "10001"


@dataclass(frozen=True)
class CollectorArgs:
    settings: CollectorSettings
    kafka: KafkaSettings
    connection: OpenMeterConnection
    catalog: Catalog
    placement: Placement
    depends_on: Sequence[pulumi.Resource]


class Collector(pulumi.ComponentResource):
    container: docker.Container

    def __init__(
        self, name: str, args: CollectorArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:collector:Collector", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self, provider=args.placement.provider)
        config_dir = posixpath.dirname(pipeline.CONFIG_PATH)
        config_volume = docker.Volume(
            f"{name}-config", name=f"{args.placement.name_prefix}-collector-config", opts=child
        )
        rendered = pipeline.render_collector_config(
            collector=s, kafka=args.kafka, connection=args.connection, catalog=args.catalog
        )
        self.container = docker.Container(
            f"{name}-container",
            name=f"{args.placement.name_prefix}-collector",
            image=s.image,
            command=pipeline.collector_command(),
            envs=[f"{k}={v}" for k, v in pipeline.runtime_environment(s.memory_mib).items()],
            user=f"{COLLECTOR_UID}:{COLLECTOR_UID}",
            ports=[],
            publish_all_ports=False,
            **container_defaults.on_egress_and_internal(
                args.placement.egress, args.placement.internal
            ),
            uploads=[
                docker.ContainerUploadArgs(
                    file=pipeline.CONFIG_PATH,
                    # Secret as a whole: it carries the ingest bearer key (and SASL password).
                    content=pulumi.Output.secret(rendered),
                    permissions="0400",
                    owner=COLLECTOR_UID,
                    group=COLLECTOR_UID,
                )
            ],
            volumes=[
                docker.ContainerVolumeArgs(
                    volume_name=config_volume.name, container_path=config_dir
                )
            ],
            **container_defaults.hardened(
                role="collector",
                labels=args.placement.labels,
                memory_mib=s.memory_mib,
                cpus=s.cpus,
                tmp_mib=32,
            ),
            opts=child.merge(pulumi.ResourceOptions(depends_on=[config_volume, *args.depends_on])),
        )
        self.register_outputs({"container_name": self.container.name})
