"""Hardening every container shares, in one place so no container can forget a piece of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi_docker as docker

# Every container starts with no Linux capabilities; a container adds back only what its
# process needs, and says why where it does.
ALL_CAPABILITIES = "ALL"
NO_NEW_PRIVILEGES = "no-new-privileges:true"
ROLE_LABEL = "clearinghouse.role"


def capabilities(add: Sequence[str] = ()) -> docker.ContainerCapabilitiesArgs:
    return docker.ContainerCapabilitiesArgs(drops=[ALL_CAPABILITIES], adds=list(add))


def labels(base: Mapping[str, str], role: str) -> list[docker.ContainerLabelArgs]:
    merged = {**base, ROLE_LABEL: role}
    return [docker.ContainerLabelArgs(label=k, value=v) for k, v in sorted(merged.items())]


def log_options() -> dict[str, str]:
    # Bounded local logs: an unbounded json-file log fills the host disk over months.
    return {"max-size": "20m", "max-file": "5"}
