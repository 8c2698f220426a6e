"""A typed, plain view of one resource's properties as the analyzer receives them.

The Pulumi policy SDK hands a validator its properties wrapped in proxies that raise
`UnknownValueError` on first touch of a value not yet known at preview; the SDK then turns the
whole policy run into an *advisory* "can't run policy during preview" note. For a pack whose job
is to stop exposure, that is a violation passing silently. So everything here unwraps the proxies
and turns the engine's unknown sentinels into the `UNKNOWN` marker, which each check treats as
"cannot be verified" and reports.

Secrets: the engine sends secret values with their plaintext (KeepSecrets) and the SDK's Analyze
and AnalyzeStack strip the secret marker, so a secret arrives here as a plain value. Nothing in
this package ever puts a property value that may be secret into a message.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Final


class Unknown:
    """A value the engine could not know at preview (any of the SDK's unknown sentinels)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown at preview>"


UNKNOWN: Final = Unknown()

# The engine's sentinels (sdk/go/common/resource/plugin/rpc.go; pulumi_policy/proxy.py).
UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string (and most computed values)
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
# A secret that reaches a policy without the SDK having unwrapped it (e.g. a caller that skips
# the SDK's deserializer) still carries this signature.
_SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
_SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - a signature

CONTAINER_TYPE: Final = "docker:index/container:Container"
NETWORK_TYPE: Final = "docker:index/network:Network"
ROLE_LABEL: Final = "clearinghouse.role"
STACK_LABEL: Final = "clearinghouse.stack"
SIGNER_ROLE: Final = "signer"
BROKER_ROLE: Final = "broker"
DEFAULT_CLI_PORT: Final = 4935


def plain(value: object) -> object:  # noqa: PLR0911 - one exit per shape
    """Unwrap the SDK's proxies recursively; unknown sentinels become `UNKNOWN`."""
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        target = _proxy_target(value)
        if isinstance(target, Mapping):
            if target.get(_SIG_KEY) == _SECRET_SIG:
                return plain(target.get("value"))
            return {str(k): plain(target[k]) for k in target}
        return {}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        target = _proxy_target(value)
        return [plain(item) for item in target] if isinstance(target, Sequence) else []
    # A pulumi_policy.Secret (only seen by remediations) carries its value in `.value`.
    if type(value).__name__ == "Secret" and hasattr(value, "value"):
        return plain(value.value)
    return value


def _proxy_target(value: object) -> object:
    # The SDK's _DictProxy/_ListProxy hand out their raw target under the key "__target";
    # reading the target avoids the proxy's UnknownValueError on unknown values.
    if type(value).__module__.startswith("pulumi_policy"):
        getitem = getattr(value, "__getitem__", None)
        if getitem is not None:
            try:
                target: object = getitem("__target")
            except (KeyError, TypeError, IndexError):
                return value
            return target
    return value


def as_str(value: object) -> str | Unknown | None:
    if value is UNKNOWN:
        return UNKNOWN
    return value if isinstance(value, str) else None


def json_int(value: object) -> int | None:
    """A JSON number that is a whole number (JSON decoders may give 8081.0); never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_int(value: object) -> int | Unknown | None:
    """A resource property as an int: a whole JSON number or a string of digits."""
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return json_int(value)


def as_bool(value: object) -> bool | Unknown | None:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_list(value: object) -> list[object] | Unknown:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, list):
        return value
    return []


def as_map(value: object) -> Mapping[str, object] | Unknown:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Mapping):
        return value
    return {}


def show(value: object) -> str:
    """A non-secret value for a message."""
    if value is UNKNOWN:
        return "<unknown at preview>"
    if value is None:
        return "<unset>"
    return repr(value) if isinstance(value, str) else str(value)


# --- addresses -------------------------------------------------------------------------------


class Exposure(Enum):
    LOOPBACK = "loopback"
    PUBLIC = "public"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BindAddress:
    exposure: Exposure
    # How the address reads in a message, e.g. "0.0.0.0 (ip omitted)".
    display: str


def classify_host_ip(ip: object) -> BindAddress:
    """How Docker binds a published port's host address (`ports[].ip`)."""
    if ip is UNKNOWN:
        return BindAddress(Exposure.UNKNOWN, "<unknown at preview>")
    if ip is None:
        return BindAddress(Exposure.PUBLIC, "0.0.0.0 (ip omitted: all interfaces)")
    if not isinstance(ip, str):
        return BindAddress(Exposure.PUBLIC, f"{ip!r} (not an address)")
    text = ip.strip()
    if text == "":
        return BindAddress(Exposure.PUBLIC, "'' (empty ip: all interfaces)")
    return BindAddress(
        Exposure.LOOPBACK if is_loopback(text) else Exposure.PUBLIC,
        text if _is_ip(text) else f"{text!r} (not an IP address)",
    )


def is_loopback(text: str) -> bool:
    """127.0.0.0/8 and ::1 (also IPv4-mapped, bracketed, or a network entirely inside them)."""
    candidate = text.strip().removeprefix("[").removesuffix("]")
    try:
        network = ipaddress.ip_network(candidate, strict=False)
    except ValueError:
        return False
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen == 128:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return mapped.is_loopback
    return network.is_loopback


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_network(text.removeprefix("[").removesuffix("]"), strict=False)
    except ValueError:
        return False
    return True


def split_host_port(addr: str) -> tuple[str, int | None]:
    """Go's net.SplitHostPort, leniently: '127.0.0.1:4935', '[::1]:4935', ':4935'."""
    if addr.startswith("["):
        host, _, rest = addr[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, sep, port_text = addr.rpartition(":")
        if not sep:
            return addr, None
    return host, int(port_text) if port_text.isdigit() else None


# --- command-line flags (Go's flag package) ----------------------------------------------------

# go-livepeer (and redpanda) flags that take a value, so `-flag value` consumes the next
# argument. Boolean flags (-remoteSigner, -monitor, ...) never do.
VALUE_FLAGS: Final = frozenset(
    {
        "network",
        "httpAddr",
        "cliAddr",
        "serviceAddr",
        "ethUrl",
        "ethPassword",
        "ethKeystorePath",
        "ethAcctAddr",
        "datadir",
        "dataDir",
        "config",
        "remoteSignerWebhookUrl",
        "remoteSignerWebhookHeaders",
        "kafkaBootstrapServers",
        "kafkaGatewayTopic",
        "kafkaUser",
        "kafkaPassword",
        "v",
        # redpanda start (rpk) flags with values, for the broker's listeners and mode.
        "kafka-addr",
        "advertise-kafka-addr",
        "rpc-addr",
        "advertise-rpc-addr",
        "pandaproxy-addr",
        "advertise-pandaproxy-addr",
        "schema-registry-addr",
        "mode",
        "smp",
        "memory",
        "reactor-backend",
        "default-log-level",
    }
)


@dataclass(frozen=True)
class Flag:
    name: str
    # None for a boolean flag written without a value.
    value: str | Unknown | None


@dataclass(frozen=True)
class Args:
    """A container's effective argument list (entrypoint override + command)."""

    tokens: tuple[str | Unknown, ...]
    # The whole list (entrypoints or command) is unknown at preview.
    wholly_unknown: bool

    @property
    def has_unknown(self) -> bool:
        return self.wholly_unknown or any(t is UNKNOWN for t in self.tokens)

    def flags(self) -> list[Flag]:
        out: list[Flag] = []
        tokens = list(self.tokens)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            i += 1
            if isinstance(token, Unknown) or not token.startswith("-") or token in ("-", "--"):
                continue
            name, sep, value = token.lstrip("-").partition("=")
            if sep:
                out.append(Flag(name, value))
            elif name in VALUE_FLAGS and i < len(tokens):
                out.append(Flag(name, tokens[i]))
                i += 1
            else:
                out.append(Flag(name, None))
        return out

    def last(self, name: str) -> Flag | None:
        """Go's flag package: the last occurrence of a flag wins."""
        found = None
        for flag in self.flags():
            if flag.name == name:
                found = flag
        return found

    def has_flag(self, name: str) -> bool:
        return any(flag.name == name for flag in self.flags())


def _args(entrypoints: object, command: object) -> Args:
    tokens: list[str | Unknown] = []
    wholly_unknown = False
    previous: str | Unknown | None = None
    for part in (entrypoints, command):
        items = as_list(part)
        if isinstance(items, Unknown):
            wholly_unknown = True
            continue
        for item in items:
            token: str | Unknown = item if isinstance(item, str) else UNKNOWN
            if item is not UNKNOWN and not isinstance(item, str):
                token = str(item)
            tokens.append(token)
            # Shell form (`sh -c "livepeer -cliAddr=..."`): read the script's words too.
            if previous == "-c" and isinstance(token, str) and " " in token:
                tokens.extend(_shell_words(token))
            previous = token
    return Args(tuple(tokens), wholly_unknown)


def _shell_words(script: str) -> list[str]:
    try:
        return shlex.split(script)
    except ValueError:
        return script.split()


# --- the container view --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedPort:
    index: int
    internal: int | Unknown | None
    external: int | Unknown | None
    ip: object
    protocol: str | Unknown | None
    # The whole entry is unknown at preview.
    unknown_entry: bool = False

    @property
    def bind(self) -> BindAddress:
        if self.unknown_entry:
            return BindAddress(Exposure.UNKNOWN, "<unknown at preview>")
        return classify_host_ip(self.ip)

    def describe(self) -> str:
        """`ports[0]: container port 4935/tcp published on 0.0.0.0:14935`."""
        if self.unknown_entry:
            return f"ports[{self.index}] (the whole entry is unknown at preview)"
        proto = self.protocol if isinstance(self.protocol, str) else "tcp"
        internal = show(self.internal) if self.internal is not None else "<unset>"
        external = "<a random host port>" if self.external is None else show(self.external)
        return (
            f"ports[{self.index}]: container port {internal}/{proto} published on "
            f"{self.bind.display} host port {external}"
        )


@dataclass(frozen=True)
class Upload:
    file: str | Unknown | None
    # Decoded text content; UNKNOWN when not known at preview or opaque (a host `source` file).
    content: str | Unknown | None


@dataclass(frozen=True)
class Container:
    resource_name: str
    urn: str
    props: Mapping[str, object]
    args: Args = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "args", _args(self.props.get("entrypoints"), self.props.get("command"))
        )

    @staticmethod
    def from_props(resource_name: str, urn: str, props: object) -> Container:
        view = plain(props)
        return Container(resource_name, urn, view if isinstance(view, Mapping) else {})

    # --- identity ---
    @property
    def container_name(self) -> str | Unknown | None:
        return as_str(self.props.get("name"))

    @property
    def title(self) -> str:
        name = self.container_name
        shown = name if isinstance(name, str) else show(name)
        return f"container {shown} (resource {self.resource_name!r})"

    def labels(self) -> dict[str, str | Unknown]:
        raw = self.props.get("labels")
        out: dict[str, str | Unknown] = {}
        if isinstance(raw, Mapping):
            for key, value in raw.items():
                out[key] = value if isinstance(value, str | Unknown) else str(value)
            return out
        items = as_list(raw)
        if isinstance(items, Unknown):
            return out
        for item in items:
            if isinstance(item, Mapping):
                key = item.get("label")
                value = item.get("value")
                if isinstance(key, str):
                    out[key] = value if isinstance(value, str | Unknown) else str(value)
        return out

    @property
    def labels_unknown(self) -> bool:
        raw = self.props.get("labels")
        if raw is UNKNOWN:
            return True
        items = raw if isinstance(raw, list) else []
        return any(
            item is UNKNOWN or (isinstance(item, Mapping) and item.get("label") is UNKNOWN)
            for item in items
        )

    @property
    def role(self) -> str | Unknown | None:
        return self.labels().get(ROLE_LABEL)

    @property
    def image(self) -> str | Unknown | None:
        return as_str(self.props.get("image"))

    def is_signer(self) -> bool:
        """By the project's label or by go-livepeer's signer-mode flag, never by name."""
        if self.role == SIGNER_ROLE or self.args.has_flag("remoteSigner"):
            return True
        # An image of go-livepeer whose arguments cannot be read could be a signer.
        image = self.image
        livepeer_image = isinstance(image, str) and "go-livepeer" in image
        return livepeer_image and (self.args.has_unknown or self.role is UNKNOWN)

    def is_broker(self) -> bool:
        if self.role == BROKER_ROLE:
            return True
        words = [t for t in self.args.tokens if isinstance(t, str)]
        if words[:2] == ["redpanda", "start"] or "redpanda" in words[:3]:
            return True
        image = self.image
        return isinstance(image, str) and "redpanda" in image.rsplit("/", 1)[-1]

    # --- network exposure ---
    def ports(self) -> list[PublishedPort] | Unknown:
        items = as_list(self.props.get("ports"))
        if isinstance(items, Unknown):
            return UNKNOWN
        out = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                out.append(PublishedPort(index, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, True))
                continue
            protocol = as_str(item.get("protocol"))
            out.append(
                PublishedPort(
                    index=index,
                    internal=as_int(item.get("internal")),
                    external=as_int(item.get("external")),
                    ip=item.get("ip"),
                    protocol=protocol,
                )
            )
        return out

    @property
    def network_mode(self) -> str | Unknown | None:
        return as_str(self.props.get("networkMode"))

    @property
    def publish_all_ports(self) -> bool | Unknown | None:
        return as_bool(self.props.get("publishAllPorts"))

    def network_names(self) -> list[str | Unknown] | Unknown:
        """networksAdvanced[].name"""
        items = as_list(self.props.get("networksAdvanced"))
        if isinstance(items, Unknown):
            return UNKNOWN
        out: list[str | Unknown] = []
        for item in items:
            name = as_str(item.get("name")) if isinstance(item, Mapping) else UNKNOWN
            out.append(name if name is not None else UNKNOWN)
        return out

    # --- payload ---
    def envs(self) -> list[str | Unknown] | Unknown:
        items = as_list(self.props.get("envs"))
        if isinstance(items, Unknown):
            return UNKNOWN
        return [item if isinstance(item, str) else UNKNOWN for item in items]

    def env_value(self, name: str) -> str | Unknown | None:
        envs = self.envs()
        if isinstance(envs, Unknown):
            return UNKNOWN
        found: str | Unknown | None = None
        for entry in envs:
            if isinstance(entry, str) and entry.partition("=")[0] == name:
                found = entry.partition("=")[2]
        return found

    def uploads(self) -> list[Upload] | Unknown:
        items = as_list(self.props.get("uploads"))
        if isinstance(items, Unknown):
            return UNKNOWN
        out = []
        for item in items:
            if not isinstance(item, Mapping):
                out.append(Upload(UNKNOWN, UNKNOWN))
                continue
            out.append(Upload(as_str(item.get("file")), _upload_content(item)))
        return out

    # --- hardening ---
    @property
    def privileged(self) -> bool | Unknown | None:
        return as_bool(self.props.get("privileged"))

    def capabilities(self) -> tuple[list[str | Unknown] | Unknown, list[str | Unknown] | Unknown]:
        """(drops, adds)"""
        caps = as_map(self.props.get("capabilities"))
        if isinstance(caps, Unknown):
            return UNKNOWN, UNKNOWN
        return _str_list(caps.get("drops")), _str_list(caps.get("adds"))

    def security_opts(self) -> list[str | Unknown] | Unknown:
        return _str_list(self.props.get("securityOpts"))


def _str_list(value: object) -> list[str | Unknown] | Unknown:
    items = as_list(value)
    if isinstance(items, Unknown):
        return UNKNOWN
    return [item if isinstance(item, str) else UNKNOWN for item in items]


def _upload_content(item: Mapping[str, object]) -> str | Unknown | None:
    content = item.get("content")
    if isinstance(content, Unknown | str):
        return content
    encoded = item.get("contentBase64")
    if encoded is UNKNOWN:
        return UNKNOWN
    if isinstance(encoded, str):
        try:
            return base64.b64decode(encoded, validate=True).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return UNKNOWN
    # A host file (`source`) is opaque to a policy.
    if item.get("source") is not None:
        return UNKNOWN
    return None


def containers(resources: Iterable[tuple[str, str, str, object]]) -> Iterator[Container]:
    """(type, name, urn, props) -> Container views of the Docker containers among them."""
    for rtype, name, urn, props in resources:
        if rtype == CONTAINER_TYPE:
            yield Container.from_props(name, urn, props)
