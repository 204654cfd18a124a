"""The type stubs stay in step with openapi.yaml and the namespaces."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import empiriolabs
from empiriolabs import _client, _resources

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "gen_stubs.py"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_stubs", TOOLS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_committed_stub_matches_a_fresh_generation():
    from mock_process import SPEC

    gen = _generator()
    committed = (Path(_resources.__file__).with_suffix(".pyi")).read_text()
    assert committed == gen.render(Path(SPEC)), "run `python bindings-python/tools/gen_stubs.py` and commit the result"


def test_every_operation_method_has_typed_parameters():
    gen = _generator()
    import yaml
    from mock_process import SPEC

    ops = gen.operations(yaml.safe_load(Path(SPEC).read_text()))
    named = {op for _, fns, _, _ in gen.methods(ops) for _, op in fns if op}
    assert {op for op, _, _ in empiriolabs._native.operations()} <= named


def test_clients_declare_every_namespace():
    assert set(_client._BaseClient.__annotations__) == set(_resources.NAMESPACES)
