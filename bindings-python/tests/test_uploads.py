"""Upload inputs: a path, a PathLike, bytes, a file object, (name, bytes, mime), or a URL."""

from __future__ import annotations

import asyncio
import io
import mimetypes
import os
import pathlib

import pytest

from support import last_seq, since

DATA = bytes(i % 251 for i in range(6000))
WHISPER = "openai-whisper-1"


@pytest.fixture
def wav(tmp_path) -> pathlib.Path:
    p = tmp_path / "meeting.wav"
    p.write_bytes(DATA)
    return p


def file_part(mock) -> dict:
    parts = {p["name"]: p for p in mock.requests("/v1/audio/transcriptions")[-1]["body"]["multipart"]}
    assert parts["model"]["value"] == WHISPER
    return parts["file"]


class PathLikeOnly(os.PathLike):
    """Neither a str nor a pathlib path: only the os.PathLike protocol."""

    def __init__(self, path):
        self.path = path

    def __fspath__(self):
        return str(self.path)


GUESS = mimetypes.guess_type("meeting.wav")[0]


@pytest.mark.parametrize("kind,filename,mime", [
    ("str", "meeting.wav", GUESS),
    ("pathlib", "meeting.wav", GUESS),
    ("pathlike", "meeting.wav", GUESS),
    ("bytes", "upload", "application/octet-stream"),
    ("file", "meeting.wav", GUESS),
    ("tuple", "call.mp3", "audio/wav"),
    ("tuple2", "call.ogg", mimetypes.guess_type("call.ogg")[0]),
])
def test_upload_inputs(kind, filename, mime, wav, client, mock):
    value = {"str": lambda: str(wav), "pathlib": lambda: wav, "pathlike": lambda: PathLikeOnly(wav), "bytes": lambda: DATA,
             "file": lambda: open(wav, "rb"), "tuple": lambda: ("call.mp3", DATA, "audio/wav"),
             "tuple2": lambda: ("call.ogg", io.BytesIO(DATA))}[kind]()
    r = client.audio.transcriptions.create(file=value, model=WHISPER)
    if hasattr(value, "close"):
        value.close()
    assert r.text.startswith(f"Transcript of {filename} ({len(DATA)} bytes")
    part = file_part(mock)
    assert (part["filename"], part["size"]) == (filename, len(DATA))
    assert part["content_type"] == mime


def test_fields_ride_along_as_multipart_text(wav, client, mock):
    client.audio.transcriptions.create(file=wav, model=WHISPER, language="en", temperature=0.2)
    parts = {p["name"]: p["value"] for p in mock.requests("/v1/audio/transcriptions")[-1]["body"]["multipart"]}
    assert parts["language"] == "en" and parts["temperature"] == "0.2"
    assert mock.requests("/v1/audio/transcriptions")[-1]["headers"]["content-type"].startswith("multipart/form-data")


def test_file_url_is_json(client, mock):
    r = client.audio.transcriptions.create(file_url="https://example.com/a.mp3", model=WHISPER)
    assert r.text.startswith("Transcript of https://example.com/a.mp3")
    entry = mock.requests("/v1/audio/transcriptions")[-1]
    assert entry["body"] == {"file_url": "https://example.com/a.mp3", "model": WHISPER}
    assert entry["headers"]["content-type"] == "application/json"


def test_bad_inputs_fail_before_the_network(tmp_path, client, mock):
    seq = last_seq(mock)
    missing = tmp_path / "nope.wav"
    with pytest.raises(FileNotFoundError) as info:
        client.audio.transcriptions.create(file=missing, model=WHISPER)
    assert str(missing) in str(info.value) and "`file`" in str(info.value)
    with open(tmp_path / "t.txt", "w") as f:
        f.write("text")
    with open(tmp_path / "t.txt") as text_mode, pytest.raises(TypeError, match="binary mode"):
        client.audio.transcriptions.create(file=text_mode, model=WHISPER)
    with pytest.raises(TypeError):
        client.audio.transcriptions.create(file=12345, model=WHISPER)
    with pytest.raises(TypeError, match="file_url"):
        client.audio.transcriptions.create(model=WHISPER)
    assert since(mock, seq) == []


def test_async_upload(wav, aclient, mock):
    async def go():
        return await aclient.audio.transcriptions.create(file=wav, model=WHISPER)

    assert asyncio.run(go()).text.startswith("Transcript of meeting.wav")
    assert file_part(mock)["size"] == len(DATA)
    seq = last_seq(mock)
    with pytest.raises(FileNotFoundError):
        aclient.audio.transcriptions.create(file=wav.with_name("missing.wav"), model=WHISPER)
    assert since(mock, seq) == []
