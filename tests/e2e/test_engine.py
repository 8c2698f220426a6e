"""The program, the OpenMeter dynamic providers and the policy pack under the real Pulumi engine.

A metering-only stack (no Docker resources, so the engine can run it here) against the stateful
OpenMeter fake over HTTP: preview, up, no-op, refresh, update, destroy, and what state holds.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.engine import REPO, Engine, make_engine
from tests.support.openmeter_fake import FakeOpenMeter, serve_http

API_KEY = "spat_e2e_0123456789abcdef"
CUSTOMER = '{"client_id": "acme", "external_user_id": "u1", "name": "Acme", "subscribe": true}'


@pytest.fixture
def fake_url() -> Iterator[tuple[FakeOpenMeter, str]]:
    fake = FakeOpenMeter(api_key=API_KEY)
    with serve_http(fake) as url:
        yield fake, url


def metering_stack(tmp_path: Path, url: str) -> Engine:
    engine = make_engine(tmp_path, "e2e")
    engine.config("runtimeEnabled", "false")
    engine.config("metering", "on")
    engine.config("openmeterUrl", url)
    engine.config("openmeterApiKey", API_KEY, secret=True)
    engine.config("meteringCustomers[0]", CUSTOMER, path=True)
    return engine


def live(records: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    return [r for r in records.values() if "deleted_at" not in r]


def test_metering_stack_lifecycle(tmp_path: Path, fake_url: tuple[FakeOpenMeter, str]) -> None:
    fake, url = fake_url
    engine = metering_stack(tmp_path, url)

    out = engine.run("preview")
    assert "+ 11 to create" in out, out
    assert fake.count("POST") == 0

    engine.run("up", "--yes", "--skip-preview")
    assert {m["key"] for m in live(fake.meters)} == {
        "billable_usd_micros", "network_fee_usd_micros", "signed_ticket_count",
    }  # fmt: skip
    assert len(live(fake.features)) == 2
    active = [p for p in live(fake.plans) if p["status"] == "active"]
    assert [p["key"] for p in active] == ["clearinghouse_default_ppu"]
    assert [c["key"] for c in live(fake.customers)] == ["acme:u1"]
    assert len(live(fake.subscriptions)) == 1
    assert fake.violations == []

    # Nothing changes on a second run; refresh reads every object back with the key the engine
    # hands the providers from the stack config (read gets no secret inputs).
    writes = fake.count("POST") + fake.count("PUT") + fake.count("DELETE")
    engine.run("preview", "--expect-no-changes")
    out = engine.run("up", "--yes", "--skip-preview")
    assert "11 unchanged" in out, out
    out = engine.run("refresh", "--yes", "--skip-preview")
    assert "11 unchanged" in out, out
    assert fake.count("POST") + fake.count("PUT") + fake.count("DELETE") == writes

    # The key is in state only encrypted, and in no output.
    state = engine.run("stack", "export")
    assert API_KEY not in state
    assert "ciphertext" in state
    outputs = engine.run("stack", "output", "--json", "--show-secrets=false")
    assert API_KEY not in outputs
    assert json.loads(outputs)["meteringEnabled"] is True

    # A price change in the catalog publishes a new plan version.
    catalog = engine.project / "catalog" / "catalog.yaml"
    catalog.write_text(
        catalog.read_text().replace('unit_price: "0.000001"', 'unit_price: "0.000002"')
    )
    out = engine.run("up", "--yes", "--skip-preview")
    assert "1 updated" in out, out
    versions = {p["status"] for p in fake.plans.values()}
    assert versions >= {"active", "archived"}
    engine.run("preview", "--expect-no-changes")

    # Destroy archives features and the plan, cancels the subscription, retains meters.
    engine.run("destroy", "--yes", "--skip-preview")
    assert len(live(fake.meters)) == 3
    assert live(fake.features) == []
    assert not [p for p in live(fake.plans) if p["status"] == "active"]
    assert fake.violations == []
    assert API_KEY not in engine.run("stack", "export")


def test_bad_config_fails_preview_with_key_and_fix(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, "bad")
    engine.config("signerBindAddress", "0.0.0.0")
    engine.config("signerEthUrl", "https://rpc.example/key", secret=True)
    engine.config("signerKeystorePassword", "pw", secret=True)
    out = engine.run("preview", check=False)
    assert "clearinghouse:signerBindAddress" in out, out
    assert "Fix: keep 127.0.0.1" in out, out
    assert "Traceback" not in out, out  # reported as a plain message
    assert "docker:" not in out  # nothing declared before the config failed
    state = engine.run("stack", "export")
    assert '"resources"' not in state or "docker:" not in state


def test_policy_pack_runs_through_the_engine(
    tmp_path: Path, fake_url: tuple[FakeOpenMeter, str]
) -> None:
    _, url = fake_url
    engine = metering_stack(tmp_path, url)
    # The pack's virtualenv (PulumiPolicy.yaml `virtualenv: venv`): the repository's .venv holds
    # exactly policy/requirements.txt (pulumi, pulumi-policy, pinned).
    pack = tmp_path / "policy"
    for rel in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt"):
        (pack / rel).parent.mkdir(parents=True, exist_ok=True)
        (pack / rel).write_bytes((REPO / "policy" / rel).read_bytes())

    shutil.copytree(REPO / "policy" / "clearinghouse_policies", pack / "clearinghouse_policies",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (pack / "venv").symlink_to(REPO / ".venv")
    out = engine.run("preview", "--policy-pack", str(pack))
    assert "clearinghouse-policies" in out, out
    assert "+ 11 to create" in out, out
