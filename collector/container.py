"""How the collector container runs the rendered config: its path and the command line."""

from __future__ import annotations

from settings.model import COLLECTOR_METRICS_PORT

# The component mounts a volume at this directory and uploads the rendered file into it.
CONFIG_DIR = "/etc/collector"
CONFIG_PATH = f"{CONFIG_DIR}/config.yaml"

# Inside the container only: the container publishes no ports and sits on private networks, so
# binding every interface exposes /metrics (Prometheus format in the production image) to the
# internal network alone.
HTTP_ADDRESS = f"0.0.0.0:{COLLECTOR_METRICS_PORT}"


def collector_command() -> list[str]:
    """Arguments after the image ENTRYPOINT (the benthos binary): run one config file.

    Secrets live in that file (uploaded as a Pulumi secret), never on this command line or in
    the environment, both of which `docker inspect` shows.
    """
    return ["-c", CONFIG_PATH]
