"""Shared fixtures: one mock gateway per test session, started from the built binary, reset
before each test that asks for `mock`."""

from __future__ import annotations

import pytest

from mock_process import MOCK_BIN, ROOT, SPEC, Mock, mock, mock_server, spec_operations, start_mock, stop_mock  # noqa: F401


@pytest.fixture(scope="session")
def spec() -> dict:
    import yaml

    with open(SPEC) as f:
        return yaml.safe_load(f)


