"""Saving generated output URLs."""

from __future__ import annotations

import asyncio

import pytest

import empiriolabs


def test_download_to_file_and_bytes(client, aclient, mock, tmp_path):
    url = f"{mock.url}/v1/gpu/catalog/rtx-4090"
    data = client.download(url)
    assert b"RTX 4090" in data
    target = tmp_path / "out.json"
    assert client.download_to(url, target) == len(data) == target.stat().st_size
    assert asyncio.run(aclient.download(url)) == data
    with pytest.raises(empiriolabs.NotFoundError):
        client.download(f"{mock.url}/v1/gpu/catalog/none")
    assert "authorization" not in mock.requests("/v1/gpu/catalog/rtx-4090")[-1]["headers"], "no key goes to media URLs"
