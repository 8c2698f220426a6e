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


SECRET_NOTE = "Secret: set with pulumi config set --secret."  # noqa: S105 - a note, not a value


def is_secret(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("secret") is True


def _declaration(info: FieldInfo) -> dict[str, Any]:
    """One key's declaration.

    The CLI (checked with v3.276.0) refuses a stack that lacks any declared key without a
    default, and refuses a default on a `secret: true` key ("must be encrypted as it's
    secret"). Optional keys therefore default to "" (read as unset), and secret keys carry no
    `secret: true`: the program itself rejects a secret key stored in plaintext, naming the fix.
    """
    kind = _pulumi_type(info.annotation)
    decl: dict[str, Any] = {"type": kind}
    if kind == "array":
        decl["items"] = {"type": "string"}
    description = info.description or ""
    decl["description"] = f"{SECRET_NOTE} {description}" if is_secret(info) else description
    if info.default is None:
        decl["default"] = ""
    else:
        decl["default"] = list(info.default) if kind == "array" else info.default
    return decl


def project_config_declarations() -> dict[str, dict[str, Any]]:
    return {
        info.alias or name: _declaration(info) for name, info in StackConfig.model_fields.items()
    }
