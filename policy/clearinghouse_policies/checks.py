"""The validators: pure functions from a container view (and typed config) to messages.

Each message names the container and its Pulumi resource, the port and host address where one is
involved, and the fix. A value unknown at preview is never taken as safe: it is reported as
"cannot be verified at preview" with the fix of making it a plain value. No message carries a
value that could be secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from .config import PortAllowance
from .model import (
    CONTAINER_TYPE,
    DEFAULT_CLI_PORT,
    NETWORK_TYPE,
    UNKNOWN,
    Container,
    Exposure,
    PublishedPort,
    Unknown,
    as_bool,
    as_str,
    is_loopback,
    plain,
    show,
    split_host_port,
)

PREVIEW_FIX: Final = "give it a value known at preview (a plain string/number in the program)"


def _unknown_ports(c: Container, what: str) -> str:
    return (
        f"{c.title}: `ports` is unknown at preview, so {what} cannot be verified. "
        f"Fix: {PREVIEW_FIX}"
    )


# --- signer: the CLI/admin port ------------------------------------------------------------------


@dataclass(frozen=True)
class CliAddr:
    port: int
    problems: list[str]


def signer_cli_addr(c: Container) -> CliAddr:
    """The CLI port the signer listens on, and what is wrong with its -cliAddr."""
    problems: list[str] = []
    port = DEFAULT_CLI_PORT
    if c.args.has_unknown:
        problems.append(
            f"{c.title}: part of the argument list (entrypoints/command) is unknown at preview, "
            "so -cliAddr cannot be verified (an unknown argument could set or override it). "
            f"Fix: {PREVIEW_FIX} for every argument"
        )
    flag = c.args.last("cliAddr")
    if flag is None:
        if not c.args.wholly_unknown:
            problems.append(
                f"{c.title}: -cliAddr is not set; go-livepeer v0.8.11 then serves the "
                "unauthenticated admin API (it moves funds) on all interfaces. "
                f"Fix: add -cliAddr=127.0.0.1:{DEFAULT_CLI_PORT} to the command"
            )
        return CliAddr(port, problems)
    if isinstance(flag.value, Unknown):
        problems.append(
            f"{c.title}: the -cliAddr value is unknown at preview, so its bind address cannot "
            f"be verified. Fix: write -cliAddr=127.0.0.1:{DEFAULT_CLI_PORT} literally"
        )
        return CliAddr(port, problems)
    value = flag.value or ""
    host, parsed = split_host_port(value)
    port = parsed if parsed is not None else port
    if parsed is None:
        problems.append(
            f"{c.title}: -cliAddr={value!r} has no port. Fix: -cliAddr=127.0.0.1:{DEFAULT_CLI_PORT}"
        )
    if not is_loopback(host):
        where = "all interfaces" if host in ("", "0.0.0.0", "::") else repr(host)  # noqa: S104
        problems.append(
            f"{c.title}: -cliAddr={value!r} binds the admin API to {where}, not to a loopback "
            f"address. Fix: -cliAddr=127.0.0.1:{port}"
        )
    return CliAddr(port, problems)


def check_signer_cli_port(c: Container) -> list[str]:
    if not c.is_signer():
        return []
    cli = signer_cli_addr(c)
    out = list(cli.problems)
    ports = c.ports()
    if isinstance(ports, Unknown):
        out.append(_unknown_ports(c, f"that the CLI port {cli.port} is unpublished"))
        ports = []
    for p in ports:
        if p.unknown_entry or isinstance(p.internal, Unknown):
            out.append(
                f"{c.title}: the container port of {p.describe()} is unknown at preview, so "
                f"it cannot be shown not to be the CLI port {cli.port}. Fix: {PREVIEW_FIX}"
            )
        elif p.internal == cli.port:
            out.append(
                f"{c.title}: {p.describe()} publishes the signer's CLI/admin port {cli.port} "
                "(unauthenticated, moves funds) - on any host address or port this is "
                "forbidden. Fix: remove this entry from `ports`; use `docker exec` to reach "
                "the CLI"
            )
    mode = c.network_mode
    if mode == "host":
        out.append(
            f"{c.title}: networkMode 'host' puts every signer listener, the CLI port "
            f"{cli.port} included, on the host's interfaces. Fix: attach the signer to a "
            "bridge network and publish only the signing port on 127.0.0.1"
        )
    elif isinstance(mode, Unknown):
        out.append(
            f"{c.title}: networkMode is unknown at preview, so host networking (which would "
            f"expose the CLI port {cli.port}) cannot be ruled out. Fix: {PREVIEW_FIX}"
        )
    publish_all = c.publish_all_ports
    if publish_all is True:
        out.append(
            f"{c.title}: publishAllPorts=true publishes every exposed port on 0.0.0.0 under "
            "random host ports. Fix: set publishAllPorts=false and list only the signing port"
        )
    elif isinstance(publish_all, Unknown):
        out.append(
            f"{c.title}: publishAllPorts is unknown at preview. Fix: set it to false literally"
        )
    return out


# --- signer: the signing port and the webhook -------------------------------------------------


@dataclass(frozen=True)
class WebhookStatus:
    configured: bool
    reason: str


def _has_authorization(headers: str) -> bool:
    for pair in headers.split(","):
        key, sep, value = pair.partition(":")
        if sep and key.strip().lower() == "authorization" and value.strip():
            return True
    return False


def config_file_values(text: str) -> dict[str, str]:
    """go-livepeer's -config file (ff PlainParser): `flagname value` per line, '#' comments."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition(" ")
        if not value and "\t" in name:
            name, _, value = name.partition("\t")
        values[name.strip().lstrip("-")] = value.strip()
    return values


def webhook_status(c: Container) -> WebhookStatus:  # noqa: PLR0911 - one exit per reason
    """Whether the signer's arguments configure a webhook URL with an Authorization header.

    The URL must be on the command line. The header may be on the command line
    (-remoteSignerWebhookHeaders) or in the secret upload of the `-config` file; precedence is
    go-livepeer's: command line, then LP_REMOTESIGNERWEBHOOKHEADERS, then the config file.
    """
    url_flag = c.args.last("remoteSignerWebhookUrl")
    if url_flag is None:
        return WebhookStatus(False, "no -remoteSignerWebhookUrl is set")
    if isinstance(url_flag.value, Unknown):
        return WebhookStatus(False, "the -remoteSignerWebhookUrl value is unknown at preview")
    url = (url_flag.value or "").strip()
    if not url:
        return WebhookStatus(False, "-remoteSignerWebhookUrl is empty")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return WebhookStatus(False, f"-remoteSignerWebhookUrl={url!r} is not an http(s) URL")

    header_flag = c.args.last("remoteSignerWebhookHeaders")
    if header_flag is not None:
        if isinstance(header_flag.value, Unknown):
            return WebhookStatus(False, "the -remoteSignerWebhookHeaders value is unknown")
        if _has_authorization(header_flag.value or ""):
            return WebhookStatus(True, "Authorization header on the command line")
        return WebhookStatus(
            False,
            "-remoteSignerWebhookHeaders on the command line has no Authorization header "
            "(and it overrides any config file)",
        )
    env_headers = c.env_value("LP_REMOTESIGNERWEBHOOKHEADERS")
    if isinstance(env_headers, Unknown):
        return WebhookStatus(False, "the container environment is unknown at preview")
    if env_headers is not None:
        if _has_authorization(env_headers):
            return WebhookStatus(True, "Authorization header in the environment")
        return WebhookStatus(False, "LP_REMOTESIGNERWEBHOOKHEADERS has no Authorization header")
    return _config_file_authorization(c)


def _config_file_authorization(c: Container) -> WebhookStatus:  # noqa: PLR0911
    config_flag = c.args.last("config")
    if config_flag is None:
        return WebhookStatus(
            False,
            "no Authorization header: neither -remoteSignerWebhookHeaders nor a -config file "
            "is given",
        )
    if isinstance(config_flag.value, Unknown) or not config_flag.value:
        return WebhookStatus(False, "the -config path is unknown at preview or empty")
    path = config_flag.value
    uploads = c.uploads()
    if isinstance(uploads, Unknown):
        return WebhookStatus(False, f"`uploads` is unknown at preview, so {path} cannot be read")
    matching = [u for u in uploads if u.file == path]
    if not matching:
        if any(isinstance(u.file, Unknown) for u in uploads):
            return WebhookStatus(False, f"an upload's file path is unknown; {path} not found")
        return WebhookStatus(False, f"no upload writes the -config file {path}")
    content = matching[-1].content
    if isinstance(content, Unknown) or content is None:
        return WebhookStatus(
            False,
            f"the content of the uploaded config file {path} is not known at preview (or is "
            "a host file), so its Authorization header cannot be verified",
        )
    headers = config_file_values(content).get("remoteSignerWebhookHeaders")
    if headers is None:
        return WebhookStatus(False, f"{path} has no remoteSignerWebhookHeaders line")
    if not _has_authorization(headers):
        return WebhookStatus(False, f"remoteSignerWebhookHeaders in {path} has no Authorization")
    return WebhookStatus(True, f"Authorization header in the uploaded config file {path}")


def check_signer_signing_port(c: Container) -> list[str]:
    if not c.is_signer():
        return []
    ports = c.ports()
    if isinstance(ports, Unknown):
        return [_unknown_ports(c, "that signer ports bind only loopback addresses")]
    cli_port = signer_cli_addr(c).port
    out = []
    webhook: WebhookStatus | None = None
    for p in ports:
        if p.internal == cli_port:
            continue  # never publishable at all: the CLI-port policy reports it
        bind = p.bind
        if bind.exposure is Exposure.LOOPBACK:
            continue
        webhook = webhook or webhook_status(c)
        if webhook.configured:
            continue
        if bind.exposure is Exposure.UNKNOWN:
            problem = "its host address is unknown at preview, so it may not be loopback"
            fix = "set ports[].ip to 127.0.0.1 literally"
        else:
            problem = "it is reachable beyond this host"
            fix = (
                "set ports[].ip to 127.0.0.1 (or ::1), or configure the signer's identity "
                "webhook: -remoteSignerWebhookUrl=<url> plus an Authorization header (in the "
                "-config file upload or -remoteSignerWebhookHeaders)"
            )
        out.append(
            f"{c.title}: {p.describe()}: {problem}, and without an authenticated webhook "
            f"anyone who reaches the port can mint payments from the deposit ({webhook.reason})"
            f". Fix: {fix}"
        )
    return out


# --- every container: no public ports ------------------------------------------------------------


def _allowed(c: Container, p: PublishedPort, allow: Sequence[PortAllowance]) -> bool:
    names = {c.resource_name}
    if isinstance(c.container_name, str):
        names.add(c.container_name)
    return isinstance(p.internal, int) and any(
        a.container in names and a.port == p.internal for a in allow
    )


def check_no_public_ports(c: Container, allow: Sequence[PortAllowance]) -> list[str]:
    out = []
    ports = c.ports()
    if isinstance(ports, Unknown):
        out.append(_unknown_ports(c, "that no port is published publicly"))
        ports = []
    for p in ports:
        bind = p.bind
        if bind.exposure is Exposure.LOOPBACK or _allowed(c, p, allow):
            continue
        if bind.exposure is Exposure.UNKNOWN:
            out.append(
                f"{c.title}: {p.describe()}: the host address is unknown at preview and may "
                "be public. Fix: set ports[].ip to 127.0.0.1 literally"
            )
        else:
            name = c.container_name if isinstance(c.container_name, str) else c.resource_name
            out.append(
                f"{c.title}: {p.describe()} is published on a non-loopback address. Fix: set "
                "ports[].ip to 127.0.0.1, or allowlist it in the pack config: "
                f'no-public-ports.allowedPublicPorts += {{"container": "{name}", '
                f'"port": {show(p.internal)}}}'
            )
    if c.publish_all_ports is True or isinstance(c.publish_all_ports, Unknown):
        state = "true" if c.publish_all_ports is True else "unknown at preview"
        out.append(
            f"{c.title}: publishAllPorts is {state}; Docker then publishes every exposed port "
            "on 0.0.0.0. Fix: set publishAllPorts=false and list ports with ip 127.0.0.1"
        )
    if c.network_mode == "host" or isinstance(c.network_mode, Unknown):
        state = "'host'" if c.network_mode == "host" else "unknown at preview"
        out.append(
            f"{c.title}: networkMode is {state}; with host networking every listener binds "
            "the host's interfaces directly. Fix: use a bridge network and publish ports on "
            "127.0.0.1"
        )
    return out


# --- the broker ----------------------------------------------------------------------------------

BROKER_DEFAULT_PORTS: Final = frozenset({9092, 9644, 8082, 8081, 33145})
_BROKER_LISTENER_FLAGS: Final = (
    "kafka-addr",
    "rpc-addr",
    "pandaproxy-addr",
    "schema-registry-addr",
    "admin-addr",
)


def broker_ports(c: Container, extra: Iterable[int] = ()) -> set[int]:
    ports = set(BROKER_DEFAULT_PORTS) | set(extra)
    for flag in c.args.flags():
        if flag.name in _BROKER_LISTENER_FLAGS and isinstance(flag.value, str):
            for listener in flag.value.split(","):
                _, port = split_host_port(listener.rpartition("://")[2])
                if port is not None:
                    ports.add(port)
    return ports


def check_broker_not_public(c: Container, extra: Iterable[int] = ()) -> list[str]:
    if not c.is_broker():
        return []
    protected = broker_ports(c, extra)
    shown = ", ".join(str(p) for p in sorted(protected))
    out = []
    ports = c.ports()
    if isinstance(ports, Unknown):
        out.append(_unknown_ports(c, f"that the broker ports ({shown}) stay private"))
        ports = []
    for p in ports:
        if p.bind.exposure is Exposure.LOOPBACK:
            continue
        if isinstance(p.internal, int) and p.internal not in protected:
            continue
        unknown = p.bind.exposure is Exposure.UNKNOWN
        what = "the host address is unknown at preview" if unknown else "it is public"
        out.append(
            f"{c.title}: {p.describe()}: a Kafka/admin port of the broker (no authentication: "
            f"anyone could read, forge or delete billing events) and {what}. Fix: remove the "
            "entry (clients use the internal network), or bind it to 127.0.0.1 for host tools"
        )
    if c.publish_all_ports is True or isinstance(c.publish_all_ports, Unknown):
        out.append(
            f"{c.title}: publishAllPorts is not false on the broker, which would publish its "
            f"ports ({shown}) on 0.0.0.0. Fix: set publishAllPorts=false"
        )
    if c.network_mode == "host" or isinstance(c.network_mode, Unknown):
        out.append(
            f"{c.title}: networkMode is {show(c.network_mode)} on the broker; host networking "
            f"binds its ports ({shown}) on the host's interfaces. Fix: attach it to the internal "
            "network only"
        )
    return out


# --- secrets in the clear ----------------------------------------------------------------------

_OPENMETER_KEY: Final = re.compile(r"\b(kpat|spat|om)_[A-Za-z0-9]{16,}")
_AUTH_SCHEME: Final = re.compile(r"\b(Bearer|Basic)\s+\S{8,}", re.IGNORECASE)
_SECRET_ENV_NAME: Final = re.compile(
    r"(^|_)(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTHORIZATION|CREDENTIALS?|PRIVATE_KEY)($|_)",
    re.IGNORECASE,
)
# go-livepeer reads LP_<FLAG>; these carry the flags that must stay in files.
_LIVEPEER_SECRET_ENVS: Final = {
    "LP_ETHPASSWORD": "ethPassword",
    "LP_KAFKAPASSWORD": "kafkaPassword",
    "LP_ETHURL": "ethUrl",
    "LP_REMOTESIGNERWEBHOOKHEADERS": "remoteSignerWebhookHeaders",
}
SECRETS_ADVICE: Final = (
    "move it into a secret upload (a file read with -config, -ethPassword=<path> or the "
    "collector's config file); command lines and environments are visible to anyone who can "
    "`docker inspect` or `ps`"
)


@dataclass(frozen=True)
class SecretEnvConfig:
    allowed_names: frozenset[str] = frozenset()
    additional_names: frozenset[str] = frozenset()


def _flag_secret(name: str, value: str) -> str | None:
    if name == "remoteSignerWebhookHeaders" and value.strip():
        return "the webhook headers (the Authorization bearer secret)"
    if name == "ethPassword" and value and not value.startswith("/"):
        return "a literal keystore password (-ethPassword takes a file path)"
    if name == "kafkaPassword" and value:
        return "the Kafka SASL password"
    if name == "ethUrl" and value:
        return "the chain RPC URL (it usually embeds the provider's API key)"
    return None


def _value_secret(value: str) -> str | None:
    if _OPENMETER_KEY.search(value):
        return "an OpenMeter/Konnect API key"
    if _AUTH_SCHEME.search(value):
        return "an HTTP Authorization credential"
    return None


def check_no_secrets_in_clear(c: Container, cfg: SecretEnvConfig | None = None) -> list[str]:
    cfg = cfg or SecretEnvConfig()
    out = []
    if c.args.has_unknown:
        out.append(
            f"{c.title}: part of the command/entrypoints is unknown at preview and cannot be "
            f"checked for secrets. Fix: {PREVIEW_FIX}, or move secrets to a secret upload"
        )
    for flag in c.args.flags():
        if isinstance(flag.value, str):
            kind = _flag_secret(flag.name, flag.value) or _value_secret(flag.value)
            if kind:
                out.append(
                    f"{c.title}: the command carries {kind} in -{flag.name} (value not shown). "
                    f"Fix: {SECRETS_ADVICE}"
                )
    for index, token in enumerate(c.args.tokens):
        if isinstance(token, str) and not token.startswith("-") and _value_secret(token):
            out.append(
                f"{c.title}: argument {index} of the command carries {_value_secret(token)} "
                f"(value not shown). Fix: {SECRETS_ADVICE}"
            )
    envs = c.envs()
    if isinstance(envs, Unknown):
        out.append(
            f"{c.title}: `envs` is unknown at preview and cannot be checked for secrets. "
            f"Fix: {PREVIEW_FIX}"
        )
        envs = []
    for index, entry in enumerate(envs):
        if isinstance(entry, Unknown):
            out.append(
                f"{c.title}: envs[{index}] is unknown at preview and cannot be checked for "
                f"secrets. Fix: {PREVIEW_FIX}, or move the secret to a secret upload"
            )
            continue
        kind = _env_secret(entry, cfg)
        if kind:
            out.append(
                f"{c.title}: envs[{index}] ({entry.partition('=')[0]}) carries {kind} in "
                f"plaintext (value not shown). Fix: {SECRETS_ADVICE}"
            )
    return out


def _env_secret(entry: str, cfg: SecretEnvConfig) -> str | None:
    name, _, value = entry.partition("=")
    if name in cfg.allowed_names or not value.strip():
        return None
    if name in _LIVEPEER_SECRET_ENVS:
        return _flag_secret(_LIVEPEER_SECRET_ENVS[name], value)
    if name in cfg.additional_names:
        return "a value configured as secret"
    found = _value_secret(value)
    if found:
        return found
    is_file = name.upper().endswith("_FILE") or value.startswith("/")
    if _SECRET_ENV_NAME.search(name) and not is_file:
        return "a secret (by its name)"
    return None


# --- images --------------------------------------------------------------------------------------

_DIGEST: Final = re.compile(r"@sha256:[0-9a-f]{64}$")


def check_pinned_image(c: Container, production: bool) -> list[str]:
    image = c.image
    if isinstance(image, Unknown) or image is None:
        return [
            f"{c.title}: the image is {show(image)}, so its pinning cannot be verified. "
            f"Fix: {PREVIEW_FIX}"
        ]
    if _DIGEST.search(image):
        return []
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    if not tag or tag == "latest":
        what = "untagged (Docker pulls :latest)" if not tag else "tagged :latest"
        return [
            f"{c.title}: image {image!r} is {what}, so every pull may run different code. "
            "Fix: pin a version tag, e.g. repo:v1.2.3, or a digest repo@sha256:<digest>"
        ]
    if production:
        return [
            f"{c.title}: image {image!r} is pinned by tag only in a production stack; a tag "
            "can be re-pushed. Fix: pin by digest: repo:tag@sha256:<digest> "
            "(docker buildx imagetools inspect repo:tag)"
        ]
    return []


# --- hardening -----------------------------------------------------------------------------------

_NO_NEW_PRIVS: Final = frozenset(
    {"no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"}
)


def check_hardened(c: Container, allowed_adds: Iterable[str] = ()) -> list[str]:
    out = []
    privileged = c.privileged
    if privileged is True or isinstance(privileged, Unknown):
        out.append(
            f"{c.title}: privileged is {show(privileged)}; a privileged container owns the "
            "host. Fix: remove privileged (or set it to false)"
        )
    drops, adds = c.capabilities()
    if isinstance(drops, Unknown) or any(isinstance(d, Unknown) for d in drops):
        out.append(f"{c.title}: capabilities.drops is unknown at preview. Fix: {PREVIEW_FIX}")
    elif not any(isinstance(d, str) and d.upper() in ("ALL", "CAP_ALL") for d in drops):
        out.append(
            f"{c.title}: capabilities are not dropped (drops={drops}). "
            'Fix: capabilities={"drops": ["ALL"]}, adding back only what the process needs'
        )
    allowed = {a.upper().removeprefix("CAP_") for a in allowed_adds}
    if isinstance(adds, Unknown) or any(isinstance(a, Unknown) for a in adds):
        out.append(f"{c.title}: capabilities.adds is unknown at preview. Fix: {PREVIEW_FIX}")
    else:
        extra = sorted(
            a for a in adds if isinstance(a, str) and a.upper().removeprefix("CAP_") not in allowed
        )
        if extra:
            out.append(
                f"{c.title}: capabilities.adds gives back {extra}. Fix: remove them, or "
                "allowlist them in the pack config (allowedCapabilityAdds)"
            )
    opts = c.security_opts()
    if isinstance(opts, Unknown) or any(isinstance(o, Unknown) for o in opts):
        out.append(f"{c.title}: securityOpts is unknown at preview. Fix: {PREVIEW_FIX}")
    elif not any(isinstance(o, str) and o.replace(" ", "") in _NO_NEW_PRIVS for o in opts):
        out.append(
            f"{c.title}: no-new-privileges is not set, so a setuid binary can regain "
            'privileges. Fix: securityOpts=["no-new-privileges:true"]'
        )
    return out


# --- dev-mode broker -----------------------------------------------------------------------------


def check_dev_mode_broker(c: Container, production: bool) -> list[str]:
    if not production or not c.is_broker():
        return []
    if c.args.has_unknown:
        return [
            f"{c.title}: the broker's command is unknown at preview, so dev-container mode "
            f"cannot be ruled out in this production stack. Fix: {PREVIEW_FIX}"
        ]
    mode = c.args.last("mode")
    if mode is not None and mode.value == "dev-container":
        return [
            f"{c.title}: Redpanda runs with --mode=dev-container in a production stack (fsync "
            "bypassed: billing events can be lost or corrupted on an unclean shutdown; topics "
            "auto-created). Fix: set redpandaDevMode=false for this stack"
        ]
    return []


# --- stack: the broker's networks ----------------------------------------------------------------


@dataclass(frozen=True)
class StackResource:
    type: str
    name: str
    urn: str
    props: object


def check_broker_networks(resources: Sequence[StackResource]) -> list[tuple[str, str]]:
    """(message, urn) for each broker attachment that is not a known internal network."""
    networks: dict[str, bool | Unknown | None] = {}
    unknown_network_names = False
    for r in resources:
        if r.type != NETWORK_TYPE:
            continue
        props = plain(r.props)
        props = props if isinstance(props, Mapping) else {}
        name = as_str(props.get("name"))
        if isinstance(name, str):
            networks[name] = as_bool(props.get("internal"))
        else:
            unknown_network_names = True
    out = []
    for r in resources:
        if r.type != CONTAINER_TYPE:
            continue
        c = Container.from_props(r.name, r.urn, r.props)
        if not c.is_broker():
            continue
        for where, name in _attachments(c):
            problem = _network_problem(name, networks, unknown_network_names)
            if problem:
                out.append(
                    (
                        f"{c.title}: {where} attaches the broker to {show(name)}, which "
                        f"{problem}. Fix: attach the broker only to the stack's internal "
                        "network (docker.Network internal=true), set networkMode to it too",
                        r.urn,
                    )
                )
    return out


def _attachments(c: Container) -> list[tuple[str, str | Unknown]]:
    attachments: list[tuple[str, str | Unknown]] = []
    names = c.network_names()
    if isinstance(names, Unknown):
        attachments.append(("networksAdvanced", UNKNOWN))
    else:
        attachments.extend((f"networksAdvanced[{i}]", n) for i, n in enumerate(names))
    mode = c.network_mode
    if mode is not None:
        attachments.insert(0, ("networkMode", mode))
    elif not names:
        # No networkMode and no networksAdvanced: Docker's default bridge, which routes out.
        # (With networksAdvanced set, the docker provider disconnects the default bridge right
        # after creating the container, before it starts.)
        attachments.insert(0, ("networkMode (omitted)", "bridge"))
    return attachments


def _network_problem(  # noqa: PLR0911 - one exit per reason
    name: str | Unknown, networks: Mapping[str, bool | Unknown | None], some_unknown: bool
) -> str | None:
    if isinstance(name, Unknown):
        return "is unknown at preview, so it cannot be shown to be internal"
    if name == "none":
        return None
    if name in ("host", "bridge", "default") or name.startswith("container:"):
        return "is not an internal network"
    if name not in networks:
        suffix = " (some network names are unknown at preview)" if some_unknown else ""
        return f"is not a network declared in this stack{suffix}"
    internal = networks[name]
    if isinstance(internal, Unknown):
        return "has an `internal` flag unknown at preview"
    if internal is not True:
        return "is not internal (internal=false: it routes to the outside)"
    return None
