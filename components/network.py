"""The stack's Docker provider and its two private bridge networks."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker


@dataclass(frozen=True)
class NetworkArgs:
    docker_host: str
    name_prefix: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Placement:
    """Where a container goes: the stack's Docker provider, networks, name prefix and labels."""

    provider: docker.Provider
    internal: docker.Network
    egress: docker.Network
    name_prefix: str
    labels: dict[str, str]


class Network(pulumi.ComponentResource):
    """`internal` has no route out (the broker lives there); `egress` reaches the internet
    (the signer dials the chain RPC and webhook, the collector dials OpenMeter)."""

    provider: docker.Provider
    internal: docker.Network
    egress: docker.Network
    placement: Placement

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clearinghouse:network:Network", name, None, opts)
        self.provider = docker.Provider(
            f"{name}-docker", host=args.docker_host, opts=pulumi.ResourceOptions(parent=self)
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        net_labels = [docker.NetworkLabelArgs(label=k, value=v) for k, v in args.labels.items()]
        self.internal = docker.Network(
            f"{name}-internal",
            name=f"{args.name_prefix}-internal",
            driver="bridge",
            internal=True,
            labels=net_labels,
            opts=child,
        )
        self.egress = docker.Network(
            f"{name}-egress",
            name=f"{args.name_prefix}-egress",
            driver="bridge",
            internal=False,
            labels=net_labels,
            opts=child,
        )
        self.placement = Placement(
            provider=self.provider,
            internal=self.internal,
            egress=self.egress,
            name_prefix=args.name_prefix,
            labels=args.labels,
        )
        self.register_outputs(
            {"internal_name": self.internal.name, "egress_name": self.egress.name}
        )
