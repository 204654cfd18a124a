"""HTTP headers as raw responses, streams and errors carry them: looked up without regard to case."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive mapping of header names to values (a repeated header's
    values joined with `, `): `headers["x-request-id"] == headers.get("X-Request-ID")`.

    >>> h = Headers({"Content-Type": "application/json"})
    >>> h["content-type"], h.get("CONTENT-TYPE"), "Content-type" in h
    ('application/json', 'application/json', True)
    """

    __slots__ = ("_d",)
    _d: Dict[str, str]

    def __init__(self, headers: Optional[Mapping[str, str]] = None):
        object.__setattr__(self, "_d", {str(k).lower(): v for k, v in (headers or {}).items()})

    def __getitem__(self, name: str) -> str:
        return self._d[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._d

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._d == {str(k).lower(): v for k, v in other.items()}
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("headers are read-only; use dict(headers) for a mutable copy")

    def __repr__(self) -> str:
        return f"Headers({self._d!r})"

    def __reduce__(self) -> Any:
        return (Headers, (self._d,))
