"""Hardening every container shares, in one place so no container can forget a piece of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi_docker as docker

NO_NEW_PRIVILEGES = "no-new-privileges:true"
ROLE_LABEL = "clearinghouse.role"


def hardened(
    *, role: str, labels: Mapping[str, str], memory_mib: int, cpus: str, tmp_mib: int
) -> dict[str, Any]:
    """Container arguments for a hardened, labelled, bounded container.

    No Linux capabilities (none of our processes needs one), no privilege gain, a read-only
    root filesystem with /tmp as a small tmpfs, memory and CPU limits, bounded local logs
    (an unbounded json-file log fills the host disk over months).
    """
    merged = {**labels, ROLE_LABEL: role}
    return {
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,noexec,nosuid,size={tmp_mib}m"},  # noqa: S108 - a tmpfs mount
        "capabilities": docker.ContainerCapabilitiesArgs(drops=["ALL"], adds=[]),
        "security_opts": [NO_NEW_PRIVILEGES],
        "privileged": False,
        "memory": memory_mib,
        "cpus": cpus,
        "restart": "unless-stopped",
        "labels": [docker.ContainerLabelArgs(label=k, value=v) for k, v in sorted(merged.items())],
        "log_driver": "json-file",
        "log_opts": {"max-size": "20m", "max-file": "5"},
    }


def on_egress_and_internal(egress: docker.Network, internal: docker.Network) -> dict[str, Any]:
    """Network arguments of a container that dials out (egress) and reaches the broker."""
    return {
        "network_mode": egress.name,
        "networks_advanced": [
            docker.ContainerNetworksAdvancedArgs(name=egress.name),
            docker.ContainerNetworksAdvancedArgs(name=internal.name),
        ],
    }
