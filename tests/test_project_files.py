"""Pulumi.yaml and the stack files obey the CLI's rules (mocks never read them; the CLI does)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.sync_pulumi_yaml import render
from settings import load_settings
from settings.stack_config import config_fields

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "clearinghouse"
ALLOWED_TYPES = {"string", "integer", "boolean", "array"}
ALLOWED_ATTRS = {"type", "items", "description", "secret", "default", "value"}


def project() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    return doc


def stack_files() -> list[Path]:
    return sorted(ROOT.glob("Pulumi.*.yaml"))


def matches_type(value: Any, decl: dict[str, Any]) -> bool:
    """What the CLI accepts for a declared type (it also rewrites values as strings)."""
    kind = decl["type"]
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if kind == "integer":
        if isinstance(value, str):
            return value.lstrip("-").isdigit()
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    return isinstance(value, list) and all(matches_type(v, decl["items"]) for v in value)


def test_pulumi_yaml_is_generated_from_the_settings_model():
    assert (ROOT / "Pulumi.yaml").read_text() == render(), "run scripts/sync_pulumi_yaml.py"


def test_runtime_is_python_with_the_project_virtualenv():
    runtime = project()["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"]["virtualenv"] == ".venv"
    assert project()["name"] == PROJECT


def test_every_settings_key_is_declared_and_nothing_else():
    assert set(project()["config"]) == set(config_fields())


@pytest.mark.parametrize("key", sorted(config_fields()))
def test_declaration_uses_only_what_the_cli_accepts(key):
    decl = project()["config"][key]
    assert set(decl) <= ALLOWED_ATTRS, f"{key}: unsupported attributes {set(decl) - ALLOWED_ATTRS}"
    assert decl["type"] in ALLOWED_TYPES
    assert decl.get("description"), f"{key} has no description"
    if decl["type"] == "array":
        assert decl["items"]["type"] in ALLOWED_TYPES - {"array"}
    # The CLI refuses a stack that lacks a declared key without a default: every key is optional
    # at the CLI level, and the program decides what a stack kind requires.
    assert "default" in decl, f"{key}: without a default every stack would have to set it"
    assert matches_type(decl["default"], decl), f"{key}: default does not match its type"
    _, secret = config_fields()[key]
    # `secret: true` would make the key mandatory and its default an error; the program
    # enforces secret storage instead (tests/test_settings.py) and the description says so.
    assert "secret" not in decl
    assert decl["description"].startswith("Secret:") is secret


@pytest.mark.parametrize("path", stack_files(), ids=lambda p: p.name)
def test_stack_file_values_match_declared_types(path):
    declared = project()["config"]
    config = yaml.safe_load(path.read_text()).get("config", {})
    for full_key, value in config.items():
        namespace, _, key = full_key.partition(":")
        assert namespace == PROJECT, f"{full_key}: only project keys belong in {path.name}"
        assert key in declared, f"{full_key} is not declared in Pulumi.yaml"
        _, secret = config_fields()[key]
        if isinstance(value, dict):
            # A secret set with `pulumi config set --secret` is stored as {secure: <ciphertext>}.
            assert set(value) == {"secure"}, f"{full_key}: structured values cannot be declared"
            assert secret, f"{full_key} is encrypted but is not a secret key"
            continue
        assert not secret or value == "", f"{full_key} is a secret stored in plaintext"
        assert matches_type(value, declared[key]), f"{full_key}={value!r} is not {declared[key]}"


def test_dev_stack_is_a_loopback_runtime_only_laptop_stack():
    config = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    raw = {
        k: json.dumps(v)
        if isinstance(v, list)
        else str(v).lower()
        if isinstance(v, bool)
        else str(v)
        for k, v in config.items()
    }
    secrets = {
        f"{PROJECT}:signerEthUrl": "https://rpc.example",
        f"{PROJECT}:signerKeystorePassword": "x",
    }
    settings = load_settings({**raw, **secrets}, set(secrets), PROJECT, "dev")
    assert settings.metering is None
    assert settings.runtime is not None
    assert settings.runtime.signer.bind_address == "127.0.0.1"
    assert settings.runtime.redpanda is not None
    assert settings.runtime.redpanda.dev_mode is True


def test_program_accepts_the_declared_defaults_as_the_cli_passes_them():
    """The CLI hands every declared default to the program, "" included for optional keys."""
    declared = project()["config"]
    raw = {
        f"{PROJECT}:{key}": json.dumps(decl["default"])
        if isinstance(decl["default"], list)
        else str(decl["default"]).lower()
        if isinstance(decl["default"], bool)
        else str(decl["default"])
        for key, decl in declared.items()
    }
    secrets = {
        f"{PROJECT}:signerEthUrl": "https://rpc.example",
        f"{PROJECT}:signerKeystorePassword": "x",
    }
    settings = load_settings({**raw, **secrets}, set(secrets), PROJECT, "staging")
    assert settings.runtime is not None
    assert settings.runtime.signer.webhook is None
    assert settings.runtime.signer.account_address is None
    assert settings.metering is None
