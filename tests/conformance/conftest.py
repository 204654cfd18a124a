"""Shared fixtures: one mock gateway per test session, started from the built binary, reset
before each test that asks for `mock`."""

from __future__ import annotations

import pytest

from mock_process import MOCK_BIN, ROOT, SPEC, Mock, spec_operations, start_mock, stop_mock  # noqa: F401


@pytest.fixture(scope="session")
def mock_server():
    m = start_mock()
    yield m
    stop_mock(m)


@pytest.fixture
def mock(mock_server: Mock) -> Mock:
    mock_server.reset()
    return mock_server


@pytest.fixture(scope="session")
def spec() -> dict:
    import yaml

    with open(SPEC) as f:
        return yaml.safe_load(f)


