"""Policy configuration: JSON schemas (sent in GetAnalyzerInfo) and typed parsing with defaults.

The CLI validates `--policy-pack-config` against these schemas before it calls Configure; the
parsing below still tolerates what a protobuf Struct does to values (every number a float) and
applies the defaults itself, so a pack run without any config behaves as documented.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from .model import STACK_LABEL, Container, Unknown, json_int

# Matches prod, production, prd as a whole word of the stack name: prod, prod-eu, eu-prod,
# acme.production; not preprod or product-demo.
DEFAULT_PRODUCTION_PATTERN: Final = r"(^|[-_./])(prod|production|prd)($|[-_./])"


class ConfigError(ValueError):
    """The pack's config for one policy cannot be used; reported as a violation."""


# --- schemas ---------------------------------------------------------------------------------

PRODUCTION_PATTERN_SCHEMA: Final[dict[str, object]] = {
    "type": "string",
    "default": DEFAULT_PRODUCTION_PATTERN,
    "description": "Regular expression (re.search) a stack name matches when it is a "
    "production stack.",
}

ALLOWED_PUBLIC_PORTS_SCHEMA: Final[dict[str, object]] = {
    "type": "array",
    "default": [],
    "description": "Containers allowed to publish a port on a non-loopback address. 'container' "
    "is the Docker container name (the `name` property) or the Pulumi resource name; 'port' is "
    "the container-side port (`ports[].internal`).",
    "items": {
        "type": "object",
        "properties": {
            "container": {"type": "string", "minLength": 1},
            "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        },
        "required": ["container", "port"],
        "additionalProperties": False,
    },
}

BROKER_EXTRA_PORTS_SCHEMA: Final[dict[str, object]] = {
    "type": "array",
    "default": [],
    "description": "More broker container ports that must never be published on a "
    "non-loopback address (Kafka, admin, HTTP proxy, schema registry and RPC ports, defaults "
    "and those in the listener flags, are always included).",
    "items": {"type": "integer", "minimum": 1, "maximum": 65535},
}

SECRET_ENV_SCHEMA: Final[dict[str, dict[str, object]]] = {
    "allowedEnvNames": {
        "type": "array",
        "default": [],
        "description": "Environment variable names never treated as secrets (false positives "
        "of the name heuristic, e.g. TOKEN_URL).",
        "items": {"type": "string"},
    },
    "additionalSecretEnvNames": {
        "type": "array",
        "default": [],
        "description": "Environment variable names always treated as secrets.",
        "items": {"type": "string"},
    },
}

ALLOWED_CAP_ADDS_SCHEMA: Final[dict[str, object]] = {
    "type": "array",
    "default": [],
    "description": "Linux capabilities a container may add back after dropping ALL, "
    "e.g. NET_BIND_SERVICE.",
    "items": {"type": "string"},
}


# --- typed parsing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PortAllowance:
    container: str
    port: int


def allowed_public_ports(config: Mapping[str, object]) -> list[PortAllowance]:
    raw = config.get("allowedPublicPorts", [])
    if not isinstance(raw, list):
        raise ConfigError("allowedPublicPorts must be a list of {container, port}")
    out = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"allowedPublicPorts[{index}] must be an object {{container, port}}")
        container = entry.get("container")
        port = json_int(entry.get("port"))
        if not isinstance(container, str) or not container or port is None:
            raise ConfigError(
                f"allowedPublicPorts[{index}] needs a non-empty 'container' and an integer 'port'"
            )
        out.append(PortAllowance(container, port))
    return out


def int_list(config: Mapping[str, object], key: str) -> list[int]:
    raw = config.get(key, [])
    values = [json_int(v) for v in raw] if isinstance(raw, list) else [None]
    if any(v is None for v in values):
        raise ConfigError(f"{key} must be a list of port numbers")
    return [v for v in values if v is not None]


def str_list(config: Mapping[str, object], key: str) -> list[str]:
    raw = config.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ConfigError(f"{key} must be a list of strings")
    return [v for v in raw if isinstance(v, str)]


def production_pattern(config: Mapping[str, object]) -> re.Pattern[str]:
    raw = config.get("productionStackPattern", DEFAULT_PRODUCTION_PATTERN)
    if not isinstance(raw, str) or not raw:
        raise ConfigError("productionStackPattern must be a non-empty regular expression")
    try:
        return re.compile(raw)
    except re.error as exc:
        raise ConfigError(f"productionStackPattern {raw!r} is not a valid regex: {exc}") from exc


# --- the stack a resource belongs to ---------------------------------------------------------


def stack_names(labelled: Iterable[Container] = ()) -> list[str]:
    """The engine's stack (PULUMI_STACK, set for every policy pack it starts) and any stack the
    project's `clearinghouse.stack` label names: a stack counts as production if any matches."""
    names = []
    engine_stack = os.environ.get("PULUMI_STACK", "")
    if engine_stack:
        names.append(engine_stack)
    for container in labelled:
        label = container.labels().get(STACK_LABEL)
        if isinstance(label, str) and label and label not in names:
            names.append(label)
        elif isinstance(label, Unknown) and "<unknown>" not in names:
            names.append("<unknown>")
    return names


def is_production(pattern: re.Pattern[str], names: Iterable[str]) -> bool:
    # An unknown stack label cannot be shown not to be production: stricter reading.
    return any(name == "<unknown>" or pattern.search(name) for name in names)
