"""Fixtures for the Python package: the shared mock gateway, and clients pointed at it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "conformance"))

from mock_process import SPEC, Mock, mock, mock_server, spec_operations, start_mock, stop_mock  # noqa: E402,F401

import empiriolabs  # noqa: E402


@pytest.fixture
def client(mock: Mock) -> empiriolabs.EmpirioLabs:
    return empiriolabs.EmpirioLabs(api_key=mock.api_key, base_url=mock.url)


@pytest.fixture
def aclient(mock: Mock) -> empiriolabs.AsyncEmpirioLabs:
    return empiriolabs.AsyncEmpirioLabs(api_key=mock.api_key, base_url=mock.url)
