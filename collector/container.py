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


# The Go runtime's default GOGC=100 collects whenever the heap doubles; Benthos' heap is a few
# MiB of short-lived per-event garbage, so that means a collection every few hundred events and
# about a third of the CPU in GC (benchmarks/collector_throughput.py measures it). GOGC=400 trades
# heap for CPU, and GOMEMLIMIT keeps that trade inside the container: near the limit the runtime
# collects as often as it must, instead of the kernel killing the container.
GOGC = 400
# Share of the container's memory limit for the Go heap; the rest is stacks, buffers and the
# binary itself.
GO_HEAP_SHARE = 0.75


def runtime_environment(memory_mib: int) -> dict[str, str]:
    """Go runtime settings for a collector container limited to `memory_mib` MiB."""
    return {"GOGC": str(GOGC), "GOMEMLIMIT": f"{int(memory_mib * GO_HEAP_SHARE)}MiB"}


def collector_command() -> list[str]:
    """Arguments after the image ENTRYPOINT (the benthos binary): run one config file.

    Secrets live in that file (uploaded as a Pulumi secret), never on this command line or in
    the environment, both of which `docker inspect` shows.
    """
    return ["-c", CONFIG_PATH]
