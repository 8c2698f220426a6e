"""Stack config -> typed settings. Imports nothing else of the project."""

from settings.errors import ConfigError, ConfigIssue
from settings.load import load_from_pulumi, load_settings
from settings.model import Settings

__all__ = ["ConfigError", "ConfigIssue", "Settings", "load_from_pulumi", "load_settings"]
