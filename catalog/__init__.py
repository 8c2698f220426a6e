"""The metering catalog as typed data. Imports nothing else of the project."""

from __future__ import annotations

from pathlib import Path

import yaml

from catalog.model import Catalog, Feature, Markup, MarkupRule, Meter, Plan, RateCard

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")


def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    with path.open(encoding="utf-8") as handle:
        return Catalog.model_validate(yaml.safe_load(handle))


__all__ = [
    "CATALOG_FILE",
    "Catalog",
    "Feature",
    "Markup",
    "MarkupRule",
    "Meter",
    "Plan",
    "RateCard",
    "load_catalog",
]
