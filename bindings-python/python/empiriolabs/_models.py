"""Response objects: attribute and item access over the dicts the native layer builds, without
copying them or building an object tree up front."""

from __future__ import annotations

import json
from typing import Any, Iterator


def wrap(value: Any) -> Any:
    if type(value) is dict:
        return Obj(value)
    if type(value) is list:
        return ObjList(value)
    return value


class Obj:
    """A JSON object: `r.choices[0].message.content` or `r["choices"][0]["message"]["content"]`.

    >>> r = Obj({"id": "x", "usage": {"total_tokens": 3}})
    >>> r.usage.total_tokens, r["id"], r.to_dict()["id"]
    (3, 'x', 'x')
    """

    __slots__ = ("_data", "_meta")

    def __init__(self, data: dict, meta: dict | None = None):
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_meta", meta)

    def __getattr__(self, name: str) -> Any:
        try:
            return wrap(self._data[name])
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}; fields: {', '.join(self._data)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("response objects are read-only; use to_dict() for a mutable copy")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Obj):
            return self._data == other._data
        return self._data == other

    def __dir__(self):
        return list(self._data) + ["to_dict", "to_json", "get", "keys", "items", "values", "request_id"]

    def get(self, key: str, default: Any = None) -> Any:
        return wrap(self._data.get(key, default))

    def keys(self):
        return self._data.keys()

    def items(self):
        return self._data.items()

    def values(self):
        return self._data.values()

    @property
    def request_id(self) -> str | None:
        """The gateway's request id for the call that returned this object."""
        return (self._meta or {}).get("request_id") or (self._data.get("request_id") if isinstance(self._data.get("request_id"), str) else None)

    def to_dict(self) -> dict:
        return json.loads(json.dumps(self._data))

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("indent", 2)
        return json.dumps(self._data, **kwargs)

    def __repr__(self) -> str:
        text = json.dumps(self._data, ensure_ascii=False)
        if len(text) > 400:
            text = text[:400] + "…"
        return f"{type(self).__name__}({text})"

    def __reduce__(self):
        return (Obj, (self._data, self._meta))


class ObjList(list):
    """A JSON array whose objects come back as `Obj`."""

    __slots__ = ()

    def __getitem__(self, i):
        v = list.__getitem__(self, i)
        return ObjList(v) if isinstance(i, slice) else wrap(v)

    def __iter__(self):
        for v in list.__iter__(self):
            yield wrap(v)
