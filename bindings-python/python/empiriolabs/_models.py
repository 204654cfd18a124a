"""Response objects: attribute and item access over the dicts the native layer builds, without
copying them or building an object tree up front.

A field is wrapped the first time it is read and kept in the object's `__dict__`, so every later
read is a plain attribute lookup (no Python code runs). `ObjList` is a read-only `list` of items
already wrapped, so indexing and iterating it run at list speed. Stream events are built whole by
the native layer instead (`native_plan`): each object's `_data` is its `__dict__`, holding its
fields already converted, so item access on one returns the same objects attribute access does.

`Obj` is a read-only view of one JSON object. The typed classes of `_types` (generated from the
spec) subclass it and declare their fields: a declared field that the JSON omits reads as `None`,
and a nested object or list comes back in its declared class, built when it is read. A declared
field wins over the dict-like helpers (`get`, `keys`, `items`, `values`): on a type with an
`items` field, `obj.items` is the field, and `Obj.items(obj)` (or `obj.to_dict().items()`) the
helper.
"""

from __future__ import annotations

import json
from typing import (TYPE_CHECKING, Any, ClassVar, Dict, Generic, ItemsView, Iterator, KeysView, List, Mapping, Optional,
                    Sequence, TypeVar, ValuesView, Union, overload)

from . import _native

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_new = object.__new__


def wrap(value: Any) -> Any:
    """An untyped JSON value as the package hands it out: objects as `Obj`, arrays as `ObjList`."""
    t = type(value)
    if t is dict:
        o: Any = _new(Obj)
        _set_data(o, value)
        return o
    if t is list:
        return _list(value, wrap, None)
    return value


def _make(cls: Any, data: Any, meta: Any = None) -> Any:
    o: Any = _new(cls)
    _set_data(o, data)
    _set_meta(o, meta)
    return o


class Obj:
    """A JSON object: `r.choices[0].message.content` or `r["choices"][0]["message"]["content"]`.

    >>> r = Obj({"id": "x", "usage": {"total_tokens": 3}})
    >>> r.usage.total_tokens, r["id"], r.to_dict()["id"]
    (3, 'x', 'x')
    """

    # `__dict__` holds fields already read (see `_Field`); it is created on the first read.
    __slots__ = ("_data", "__dict__")
    # Declared field -> how its value is wrapped (`_bind` fills it for the generated classes).
    _fields: ClassVar[Dict[str, Any]] = {}
    _data: Dict[str, Any]
    # The call's metadata, on a whole answer only (kept in `__dict__`; see `_set_meta`).
    _meta: Optional[Dict[str, Any]] = None

    def __init__(self, data: Dict[str, Any], meta: Optional[Dict[str, Any]] = None):
        _set_data(self, data)
        _set_meta(self, meta)

    if not TYPE_CHECKING:
        # Hidden from type checkers, so that a misspelt field of a typed class is reported.
        def __getattr__(self, name: str) -> Any:
            if name == "_data":  # not set yet: never look it up in itself
                raise AttributeError(name)
            data = self._data
            try:
                v = data[name]
            except KeyError:
                pass
            else:
                t = type(v)
                if t is dict:
                    o: Any = _new(Obj)
                    _set_data(o, v)
                    v = o
                elif t is list:
                    v = _list(v, wrap, None)
                self.__dict__[name] = v
                return v
            names = list(data) + [f for f in type(self)._fields if f not in data]
            raise AttributeError(f"{type(self).__name__} has no field {name!r}; fields: {', '.join(names)}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("response objects are read-only; use to_dict() for a mutable copy")

    def __delattr__(self, name: str) -> None:
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

    __hash__ = None  # type: ignore[assignment]

    def __dir__(self) -> List[str]:
        declared = [f for f in type(self)._fields if f not in self._data]
        return list(self._data) + declared + ["to_dict", "to_json", "get", "keys", "items", "values", "request_id"]

    def get(self, key: str, default: Any = None) -> Any:
        """The field `key` (wrapped as attribute access would), or `default` when it is absent."""
        if key not in self._data:
            return default
        field = getattr(type(self), key, None) if key in type(self)._fields else None
        return field.__get__(self) if isinstance(field, _Field) else wrap(self._data[key])

    def keys(self) -> KeysView[str]:
        return self._data.keys()

    def items(self) -> ItemsView[str, Any]:
        return self._data.items()

    def values(self) -> ValuesView[Any]:
        return self._data.values()

    @property
    def request_id(self) -> Optional[str]:
        """The gateway's request id for the call that returned this object."""
        rid = (self._meta or {}).get("request_id")
        if rid:
            return str(rid)
        inline = self._data.get("request_id")
        return inline if isinstance(inline, str) else None

    def to_dict(self) -> Dict[str, Any]:
        """A deep, mutable copy of the JSON."""
        return json.loads(json.dumps(self._data, default=_plain))  # type: ignore[no-any-return]

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("indent", 2)
        kwargs.setdefault("default", _plain)
        return json.dumps(self._data, **kwargs)

    def __repr__(self) -> str:
        text = json.dumps(self._data, ensure_ascii=False, default=_plain)
        if len(text) > 400:
            text = text[:400] + "…"
        return f"{type(self).__name__}({text})"

    def __reduce__(self) -> Any:
        return (type(self), (self._data, self._meta))


def _plain(value: Any) -> Any:
    """`json.dumps`' `default` for the objects a natively built event holds in its JSON."""
    if isinstance(value, Obj):
        return value._data
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The slots' own setters: building an object skips `__init__` and the read-only `__setattr__`.
_set_data: Any = Obj.__dict__["_data"].__set__


def _set_meta(o: Any, meta: Optional[Dict[str, Any]]) -> None:
    """Gives a whole answer its call's metadata; any other object reads the class's `None`."""
    if meta is not None:
        o.__dict__["_meta"] = meta


class ObjList(List[T]):
    """A JSON array, read-only: a `list` of its items wrapped (objects as their class), built
    once, when the field is first read. A slice is a plain `list`."""

    __slots__ = ("_items",)
    # The JSON array as received; unset in a natively built event, whose list holds its JSON
    # as converted items only.
    _items: List[Any]

    def __init__(self, items: List[Any], conv: Any = None):
        list.__init__(self, map(conv or wrap, items))
        _set_items(self, items)

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("response lists are read-only; use to_list() for a mutable copy")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _read_only

    def _json(self) -> List[Any]:
        items = getattr(self, "_items", None)  # unset in a natively built event
        return items if items is not None else list(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ObjList):
            return self._json() == other._json()
        if isinstance(other, (list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None

    def to_list(self) -> List[Any]:
        """A deep, mutable copy of the JSON."""
        return json.loads(json.dumps(self._json(), default=_plain))  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        text = json.dumps(self._json(), ensure_ascii=False, default=_plain)
        if len(text) > 400:
            text = text[:400] + "…"
        return f"ObjList({text})"

    def __reduce__(self) -> Any:
        return (_list, (self._json(), wrap, None))

    def __copy__(self) -> "ObjList[T]":
        return self

    def __deepcopy__(self, memo: Any) -> "ObjList[T]":
        copy: ObjList[T] = _list(self.to_list(), wrap, None)
        return copy


_set_items: Any = ObjList.__dict__["_items"].__set__
_list_new: Any = list.__new__
_list_extend: Any = list.extend
# The native layer builds stream events as `_make` and `_list` do, lists as this class.
_native.set_builders(ObjList)


def _list(items: List[Any], conv: Any, cls: Any) -> Any:
    """`items` as an `ObjList`: dicts as `cls` when given, everything else through `conv`."""
    o: Any = _list_new(ObjList)
    if cls is not None:
        _list_extend(o, [_make(cls, x) if type(x) is dict else conv(x) for x in items])
    else:
        _list_extend(o, map(conv, items))
    _set_items(o, items)
    return o


# ── How a declared field's value is wrapped ──────────────────────────────────
# Each is a small picklable callable from a JSON value to what attribute access returns.

class _Cls:
    """A JSON object as `cls`; anything else as it is."""

    __slots__ = ("cls",)

    def __init__(self, cls: type):
        self.cls = cls

    def __call__(self, v: Any) -> Any:
        if type(v) is dict:
            o: Any = _new(self.cls)
            _set_data(o, v)
            return o
        return wrap(v)

    def __reduce__(self) -> Any:
        return (_Cls, (self.cls,))


class _ListOf:
    """A JSON array whose items are wrapped by `item`."""

    __slots__ = ("item",)

    def __init__(self, item: Any):
        self.item = item

    def __call__(self, v: Any) -> Any:
        if type(v) is list:
            item = self.item
            return _list(v, item, item.cls if type(item) is _Cls else None)
        return wrap(v)

    def __reduce__(self) -> Any:
        return (_ListOf, (self.item,))


class _Union:
    """One of several classes, chosen by the value of the field `key` (`type`); an unknown value
    comes back as a plain `Obj`."""

    __slots__ = ("key", "classes")

    def __init__(self, key: str, classes: Mapping[str, type]):
        self.key = key
        self.classes: Dict[Any, type] = dict(classes)

    def __call__(self, v: Any) -> Any:
        if type(v) is dict:
            o: Any = _new(self.classes.get(v.get(self.key), Obj))
            _set_data(o, v)
            return o
        return wrap(v)

    def __reduce__(self) -> Any:
        return (_Union, (self.key, self.classes))


class _ByKind:
    """A value that may be an object or an array (`oneOf` by JSON kind)."""

    __slots__ = ("obj", "arr")

    def __init__(self, obj: Any, arr: Any):
        self.obj, self.arr = obj, arr

    def __call__(self, v: Any) -> Any:
        t = type(v)
        if t is dict and self.obj is not None:
            return self.obj(v)
        if t is list and self.arr is not None:
            return self.arr(v)
        return wrap(v)

    def __reduce__(self) -> Any:
        return (_ByKind, (self.obj, self.arr))


def cls_of(cls: type) -> _Cls:
    return _Cls(cls)


def list_of(item: Any = None) -> _ListOf:
    return _ListOf(cls_of(item) if isinstance(item, type) else item if item is not None else wrap)


def union_of(key: str, classes: Mapping[str, type]) -> _Union:
    return _Union(key, classes)


def by_kind(obj: Any = None, arr: Any = None) -> _ByKind:
    return _ByKind(cls_of(obj) if isinstance(obj, type) else obj, arr)


RAW = "raw"  # a field whose value is returned as it is (scalars, arrays of scalars)


class _Field:
    """A declared field: the JSON value wrapped by its converter, or `None` when absent. It is
    kept in the object's `__dict__` once read; as a non-data descriptor (no `__set__`), the
    kept value then wins, and later reads run no Python code."""

    __slots__ = ("name", "conv", "cls", "item")

    def __init__(self, name: str, conv: Any):
        self.name = name
        self.conv = None if conv is RAW else conv
        # The common cases, a nested object of one class or a list of them, are built inline.
        self.cls = conv.cls if type(conv) is _Cls else None
        self.item = conv.item if type(conv) is _ListOf else None

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        v = obj._data.get(self.name)
        # Absent or null: not kept, since a natively built object's `__dict__` is its JSON.
        if v is None:
            return None
        t = type(v)
        if t is dict and self.cls is not None:
            o: Any = _new(self.cls)
            _set_data(o, v)
            v = o
        elif t is list and self.item is not None:
            item = self.item
            v = _list(v, item, item.cls if type(item) is _Cls else None)
        elif self.conv is not None:
            v = self.conv(v)
        obj.__dict__[self.name] = v
        return v


def bind(cls: Any, fields: Mapping[str, Any], items_key: Optional[str] = None) -> None:
    """Gives a generated class its declared fields: `{name: converter}`, where a converter is a
    class (a nested object), `RAW`, `None` (untyped: wrapped as plain `Obj`/`ObjList`) or one of
    the `*_of` converters. A field named like a helper (`items`, `get`, …) replaces it."""
    conv = {name: (cls_of(c) if isinstance(c, type) else c) for name, c in fields.items()}
    cls._fields = {**getattr(cls, "_fields", {}), **conv}
    for name, c in conv.items():
        setattr(cls, name, _Field(name, c if c is not None else wrap))
    if items_key is not None:
        cls._items_key = items_key




class Page(Obj, Generic[T]):
    """A list answer: iterating it yields its items (`data`, or the one array the type lists,
    such as `instances`), each in its class."""

    __slots__ = ()
    _items_key: ClassVar[str] = "data"

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        key = type(self)._items_key
        items = self._data.get(key)
        if not isinstance(items, list):
            return iter(())
        field = getattr(type(self), key, None) if key in type(self)._fields else None
        conv = field.conv if isinstance(field, _Field) else None
        return iter(conv(items) if conv is not None else ObjList(items))


class CursorPage(Page[T]):
    """A page of a cursor-paged list, as a pager's `pages()` yields it: its items (`data`),
    whether more follow (`has_more`) and the cursor of the next (`next_cursor`)."""

    __slots__ = ()
    data: Optional[ObjList[T]]
    has_more: Optional[bool]
    next_cursor: Optional[str]


bind(CursorPage, {"data": list_of(), "has_more": RAW, "next_cursor": RAW})


def converter(kind: Any) -> Any:
    """A callable from a JSON value to what the package hands out, for `kind`: a class, a
    `union_of`, another converter, or `None` (untyped: plain `Obj` / `ObjList`)."""
    if kind is None:
        return wrap
    if isinstance(kind, type):
        return _Cls(kind)
    return kind


_PLANS: Dict[Any, Any] = {}


def native_plan(kind: Any) -> Any:
    """The `_native.EventPlan` by which the native layer builds objects of `kind` itself, every
    nested value already converted as its field declares (see `_native`'s build module): `None`
    when `kind` is not a class or a union of classes, or uses a converter the native layer lacks.
    Made once per kind."""
    try:
        return _PLANS[kind]
    except KeyError:
        pass
    except TypeError:  # unhashable: not a kind this builds
        return None
    plan = _plan(converter(kind))
    _PLANS[kind] = plan = _native.EventPlan(plan) if plan is not None else None
    return plan


class _NoPlan(Exception):
    """A converter the native layer has no counterpart for."""


def _plan(root: Any) -> Any:
    if type(root) not in (_Cls, _Union):
        return None
    classes: List[Any] = []
    index: Dict[Any, int] = {}

    def cls(c: Any) -> int:
        i = index.get(c)
        if i is None:
            i = index[c] = len(classes)
            classes.append(None)
            fields = []
            for name, fc in c._fields.items():
                if isinstance(getattr(c, name, None), _Field):  # else a helper or an override
                    fields.append((name, enc(fc)))
            # A JSON key of one of these names must not land in the instance `__dict__`,
            # where it would hide the class's attribute of that name.
            shadows = tuple(n for n in dir(c) if not isinstance(getattr(c, n, None), _Field))
            classes[i] = (c, tuple(fields), shadows)
        return i

    def enc(conv: Any) -> Any:
        t = type(conv)
        if conv is RAW:
            return ("r",)
        if conv is None or conv is wrap:
            return ("w",)
        if t is _Cls:
            return ("c", cls(conv.cls))
        if t is _ListOf:
            return ("l", enc(conv.item))
        if t is _Union:
            return ("u", conv.key, {k: cls(c) for k, c in conv.classes.items() if isinstance(k, str)})
        if t is _ByKind:
            return ("k", None if conv.obj is None else enc(conv.obj), None if conv.arr is None else enc(conv.arr))
        raise _NoPlan(conv)

    try:
        root_plan = enc(root)
        obj = cls(Obj)
    except _NoPlan:
        return None
    return (root_plan, tuple(classes), obj)


def make(kind: Any, data: Any, meta: Any = None) -> Any:
    """A whole answer: a JSON object as `kind` (a class, a `union_of`, or `None` for plain `Obj`),
    with the call's metadata; any other JSON as `wrap` makes it."""
    if type(data) is not dict:
        return wrap(data)
    if type(kind) is _Union:
        kind = kind.classes.get(data.get(kind.key), Obj)
    elif type(kind) is _Cls:
        kind = kind.cls
    return _make(kind if isinstance(kind, type) else Obj, data, meta)
