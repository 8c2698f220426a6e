"""The whole runtime of one stack, wired from the typed settings and the catalog."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from catalog import Catalog
from components.collector import Collector, CollectorArgs
from components.metering import MeteringCatalog, MeteringCatalogArgs
from components.network import Network, NetworkArgs
from components.redpanda import Redpanda, RedpandaArgs
from components.signer import Signer, SignerArgs
from settings import Settings
from settings.model import RuntimeSettings


@dataclass(frozen=True)
class ClearinghouseArgs:
    settings: Settings
    catalog: Catalog


class Clearinghouse(pulumi.ComponentResource):
    outputs: dict[str, pulumi.Input[object]]

    def __init__(
        self, name: str, args: ClearinghouseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:stack:Clearinghouse", name, None, opts)
        settings = args.settings
        metering = None
        if settings.metering is not None and settings.metering.manage_catalog:
            metering = MeteringCatalog(
                f"{name}-metering",
                MeteringCatalogArgs(metering=settings.metering, catalog=args.catalog),
                pulumi.ResourceOptions(parent=self),
            )
        self.outputs = {
            "runtimeEnabled": settings.runtime is not None,
            "meteringEnabled": settings.metering is not None,
            "catalogManaged": metering is not None,
            "disabledParts": self._disabled_parts(settings, metering is not None),
        }
        if settings.runtime is not None:
            self.outputs.update(
                self._runtime(name, settings, settings.runtime, args.catalog, metering)
            )
        if metering is not None:
            self.outputs["meterIds"] = metering.meter_ids
            self.outputs["planId"] = metering.plan_id
        self.register_outputs(self.outputs)

    @staticmethod
    def _disabled_parts(settings: Settings, catalog_managed: bool) -> list[str]:
        parts = []
        if settings.runtime is None:
            parts.append("runtime")
        elif settings.runtime.redpanda is None:
            parts.append("embedded-broker")
        if settings.metering is None:
            parts.extend(["metering", "collector"])
        elif not catalog_managed:
            parts.append("catalog")
        return parts

    def _runtime(
        self,
        name: str,
        settings: Settings,
        runtime: RuntimeSettings,
        catalog: Catalog,
        metering: MeteringCatalog | None,
    ) -> dict[str, pulumi.Input[object]]:
        network = Network(
            f"{name}-network",
            NetworkArgs(
                docker_host=runtime.docker_host,
                name_prefix=runtime.network_prefix,
                labels=settings.labels,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        broker_deps: list[pulumi.Resource] = []
        containers: dict[str, pulumi.Input[str]] = {}
        if runtime.redpanda is not None:
            redpanda = Redpanda(
                f"{name}-redpanda",
                RedpandaArgs(
                    settings=runtime.redpanda,
                    kafka=runtime.kafka,
                    docker_host=runtime.docker_host,
                    placement=network.placement,
                ),
                pulumi.ResourceOptions(parent=self),
            )
            # The signer starts only once the broker is healthy and its topic exists.
            broker_deps = [redpanda.container, *redpanda.topics]
            containers["broker"] = redpanda.container.name
        signer = Signer(
            f"{name}-signer",
            SignerArgs(
                settings=runtime.signer,
                kafka=runtime.kafka,
                placement=network.placement,
                depends_on=broker_deps,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        containers["signer"] = signer.container.name
        if runtime.collector is not None:
            assert settings.metering is not None  # noqa: S101 - collector implies metering
            catalog_deps = list(metering.resources) if metering is not None else []
            collector = Collector(
                f"{name}-collector",
                CollectorArgs(
                    settings=runtime.collector,
                    kafka=runtime.kafka,
                    connection=settings.metering.connection,
                    catalog=catalog,
                    placement=network.placement,
                    # Events flow only once the broker, its topics and the catalog exist.
                    depends_on=[*broker_deps, *catalog_deps],
                ),
                pulumi.ResourceOptions(parent=self),
            )
            containers["collector"] = collector.container.name
        return {
            "signerUrl": signer.url,
            "networkName": network.internal.name,
            "egressNetworkName": network.egress.name,
            "containerNames": containers,
            "topic": runtime.kafka.topic,
            "deadLetterTopic": runtime.kafka.dead_letter_topic,
        }
