"""The collector: Benthos config rendered from settings and the catalog (Kafka -> OpenMeter)."""

from collector.container import CONFIG_PATH, collector_command, runtime_environment
from collector.render import render_collector_config, render_test_config
from collector.targets import FileInput, FileSink, HttpInput, StdinInput

__all__ = [
    "CONFIG_PATH",
    "FileInput",
    "FileSink",
    "HttpInput",
    "StdinInput",
    "collector_command",
    "render_collector_config",
    "render_test_config",
    "runtime_environment",
]
