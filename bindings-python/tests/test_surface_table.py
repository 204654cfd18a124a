"""The Python surface is the surface table's: every place and helper of spec/surface.toml is a
method, and no public method is missing from the table; the generated layer is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import empiriolabs
from empiriolabs._resource import Resource

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "surface"))

import table  # noqa: E402


def python_surface(client) -> dict[str, set[str]]:
    """Namespace path -> public methods, walked from the client's namespace attributes."""
    out: dict[str, set[str]] = {}

    def walk(path: str, ns: Resource) -> None:
        methods = out.setdefault(path, set())
        for name in dir(type(ns)):
            if name.startswith("_") or name == "with_raw_response":
                continue
            attr = getattr(type(ns), name)
            if isinstance(attr, property):
                child = getattr(ns, name)
                if isinstance(child, Resource):
                    walk(f"{path}.{name}", child)
                    continue
            if callable(attr):
                methods.add(name)

    for name in empiriolabs._resources.NAMESPACES:
        walk(name, getattr(client, name))
    return out


def test_the_python_surface_is_the_table(client):
    expected = table.places(table.operations())
    got = python_surface(client)
    assert sorted(got) == sorted(expected), "namespaces differ"
    problems = [f"{ns}: missing {sorted(expected[ns] - got[ns])}, not in the table {sorted(got[ns] - expected[ns])}"
                for ns in expected if got[ns] != expected[ns]]
    assert not problems, "\n".join(problems)


def test_every_operation_has_one_place():
    ops = table.operations()
    assert len(ops) == 66 and len({op.place for op in ops if op.result != "raw"}) == 65


def test_the_generated_layer_is_current():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "surface" / "generate.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_table_without_an_operation_is_refused():
    spec, t = table.load_spec(), table.load_table()
    del t["ops"]["createVideo"]
    try:
        table.operations(spec, t)
    except SystemExit as e:
        assert "createVideo" in str(e)
    else:
        raise AssertionError("a missing entry went unnoticed")
