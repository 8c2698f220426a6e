"""Pulumi.yaml `config:` declarations derived from StackConfig, so the two cannot drift."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from settings.stack_config import StackConfig


def _pulumi_type(annotation: Any) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _pulumi_type(args[0])
    if origin is tuple:
        return "array"
    if origin is Literal:
        return "string"
    if origin is typing.Annotated:
        return _pulumi_type(args[0])
    simple = {bool: "boolean", int: "integer", str: "string", SecretStr: "string"}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no Pulumi config type for {annotation!r}")


def _declaration(info: FieldInfo) -> dict[str, Any]:
    kind = _pulumi_type(info.annotation)
    decl: dict[str, Any] = {"type": kind}
    if kind == "array":
        decl["items"] = {"type": "string"}
    decl["description"] = info.description
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("secret") is True:
        decl["secret"] = True
    elif info.default is not None:
        decl["default"] = list(info.default) if kind == "array" else info.default
    return decl


def project_config_declarations() -> dict[str, dict[str, Any]]:
    return {
        info.alias or name: _declaration(info) for name, info in StackConfig.model_fields.items()
    }
