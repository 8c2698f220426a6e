from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.policy.analyzer import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Iterator[Analyzer]:
    """One policy pack process per test module, stopped in teardown."""
    pack = Analyzer(stack="dev")
    try:
        yield pack
    finally:
        pack.close()


@pytest.fixture
def pack(analyzer: Analyzer) -> Analyzer:
    """The module's analyzer, reset to the engine's default configuration for each test."""
    analyzer.configure()
    return analyzer
