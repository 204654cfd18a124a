"""Upload inputs: a path, a `PathLike`, bytes, a binary file object, or `(filename, bytes[, mime])`."""

from __future__ import annotations

import mimetypes
import os
from typing import Any

FileInput = Any


def to_part(name: str, value: FileInput) -> tuple[str, str, str | None, bytes]:
    """`(field, filename, mime, bytes)`; a missing or unreadable file fails here, before any request."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise type(e)(e.errno, f"`{name}`: cannot read {path!r}: {e.strerror}") from None
        return name, os.path.basename(path), _guess(path), data
    if isinstance(value, (bytes, bytearray, memoryview)):
        return name, "upload", None, bytes(value)
    if isinstance(value, tuple) and 2 <= len(value) <= 3:
        filename, data = value[0], value[1]
        mime = value[2] if len(value) == 3 else _guess(filename)
        if hasattr(data, "read"):
            data = data.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"`{name}`: the tuple's second item must be bytes or a binary file, got {type(data).__name__}")
        return name, str(filename), mime, bytes(data)
    if hasattr(value, "read"):
        data = value.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"`{name}`: open the file in binary mode ('rb'); read() returned {type(data).__name__}")
        filename = os.path.basename(getattr(value, "name", "upload") or "upload")
        return name, filename, _guess(filename), bytes(data)
    raise TypeError(f"`{name}` must be a path, bytes, a binary file object or (filename, bytes[, mime]); got {type(value).__name__}")


def _guess(filename: str) -> str | None:
    return mimetypes.guess_type(str(filename))[0]
