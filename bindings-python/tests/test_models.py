"""Response objects: attribute and item access, conversion, repr and immutability."""

from __future__ import annotations

import json
import pickle

import pytest

import empiriolabs as el
from support import CHAT, HELLO


def test_obj_access(client):
    r = client.chat.completions.create(**CHAT)
    assert r.choices[0].message.content == HELLO
    assert r["choices"][0]["message"]["content"] == HELLO
    assert r.get("usage").total_tokens == r["usage"]["total_tokens"] and r.get("absent", 3) == 3
    assert "usage" in r and "absent" not in r and set(r.keys()) == set(iter(r)) and len(r) == len(r.keys())
    with pytest.raises(AttributeError, match="no field 'absent'.*choices"):
        r.absent
    with pytest.raises(KeyError):
        r["absent"]
    assert "choices" in dir(r)


def test_obj_conversion_and_repr(client):
    r = client.chat.completions.create(**CHAT)
    d = r.to_dict()
    assert isinstance(d, dict) and d["choices"][0]["message"]["content"] == HELLO
    d["choices"][0]["message"]["content"] = "changed"
    assert r.choices[0].message.content == HELLO, "to_dict is a copy"
    assert json.loads(r.to_json()) == r.to_dict() and "\n  " in r.to_json()
    assert json.loads(r.to_json(indent=None)) == json.loads(r.to_json())
    text = repr(r)
    assert text.startswith('ChatCompletion({"choices"') and HELLO in text
    big = el.Obj({"x": "y" * 1000})
    assert len(repr(big)) < 420 and repr(big).endswith("…)")
    assert r == r.to_dict() and r == el.Obj(r.to_dict())


def test_obj_request_id_and_read_only(client):
    r = client.chat.completions.create(**CHAT)
    assert r.request_id.startswith("req_")
    with pytest.raises(AttributeError, match="read-only"):
        r.id = "other"
    with pytest.raises(AttributeError, match="read-only"):
        r.choices[0].message.content = "other"
    with pytest.raises(TypeError):
        r["id"] = "other"
    assert el.Obj({"request_id": "req_inline"}).request_id == "req_inline"
    assert el.Obj({"a": 1}).request_id is None


def test_obj_pickles(client):
    r = client.chat.completions.create(**CHAT)
    back = pickle.loads(pickle.dumps(r))
    assert back == r and back.request_id == r.request_id


def test_lists_wrap_their_items(client):
    models = client.models.list()
    assert isinstance(models, el.Page)
    first = next(iter(models))
    assert isinstance(first, el.Obj) and first.id == models.data[0].id == models["data"][0]["id"]
    assert isinstance(models.data[:2], list) and isinstance(models.data[:2][0], el.Obj)
    assert all(isinstance(m, el.Obj) for m in models.data)
