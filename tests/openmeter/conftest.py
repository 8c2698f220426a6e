"""Fixtures: a fake per test whose contract violations fail the test at teardown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.openmeter_fake import FakeOpenMeter, serve_http

API_KEY = "spat_test_key_do_not_log"


@pytest.fixture
def fake() -> Iterator[FakeOpenMeter]:
    server = FakeOpenMeter(api_key=API_KEY)
    yield server
    assert server.violations == [], "\n".join(server.violations)


@pytest.fixture
def fake_url(fake: FakeOpenMeter) -> Iterator[str]:
    with serve_http(fake) as base_url:
        yield base_url
