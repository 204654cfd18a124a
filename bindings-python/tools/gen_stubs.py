"""Writes `empiriolabs/_resources.pyi` from openapi.yaml: every method's documented parameters,
typed, for editors and type checkers. `_resources.py` names each method's operationId; the spec
gives the parameters.

    python bindings-python/tools/gen_stubs.py [path/to/openapi.yaml]
"""

from __future__ import annotations

import ast
import keyword
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PKG = HERE.parent / "python" / "empiriolabs"
DEFAULT_SPEC = HERE.parents[1] / "spec" / "openapi.yaml"
OPTIONS = ("extra_headers: dict[str, str] | None = None, extra_query: dict[str, Any] | None = None, "
           "extra_body: dict[str, Any] | None = None, timeout: float | None = None, max_retries: int | None = None, "
           "stream_idle_timeout: float | None = None")
PY = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "array": "list[Any]", "object": "dict[str, Any]"}


def py_type(schema: dict) -> str:
    if "oneOf" in schema or "anyOf" in schema:
        parts = sorted({py_type(s) for s in schema.get("oneOf", schema.get("anyOf", []))})
        return " | ".join(parts) or "Any"
    if "enum" in schema and schema.get("type", "string") == "string":
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]"
    return PY.get(schema.get("type", ""), "Any")


def resolve(spec: dict, node: dict) -> dict:
    """Follows local `$ref`s (`#/components/schemas/X`)."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for key in node["$ref"].lstrip("#/").split("/"):
            target = target[key]
        node = target
    return node


def operations(spec: dict) -> dict[str, tuple[dict, list]]:
    """operationId -> (body properties with `required` flags, query parameters)."""
    out = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            props: dict[str, tuple[str, bool]] = {}
            content = (op.get("requestBody") or {}).get("content", {})
            for ct in ("application/json", "multipart/form-data"):
                if ct in content:
                    schema = resolve(spec, content[ct]["schema"])
                    req = set(schema.get("required", [])) if ct == "application/json" or not props else set()
                    for name, s in schema.get("properties", {}).items():
                        if name not in props:
                            props[name] = (py_type(resolve(spec, s)), name in req)
            query = [(p["name"], py_type(p.get("schema", {})), bool(p.get("required"))) for p in op.get("parameters", []) if p.get("in") == "query"]
            out[op["operationId"]] = (props, query)
    return out


def methods(ops: dict) -> list:
    """`(class, [(method, operationId or None)], [property stubs], bases)` from `_resources.py`;
    a method's operationId is the first string in its body that names an operation."""
    tree = ast.parse((PKG / "_resources.py").read_text())
    out = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fns, props = [], []
        for f in node.body:
            if not isinstance(f, ast.FunctionDef) or f.name.startswith("_"):
                continue
            if any(isinstance(d, ast.Name) and d.id == "property" for d in f.decorator_list):
                ret = ast.unparse(f.returns) if f.returns else "Any"
                props.append(f"    @property\n    def {f.name}(self) -> {ret}: ...")
                continue
            op = next((c.value for c in ast.walk(f) if isinstance(c, ast.Constant) and c.value in ops), None)
            fns.append((f, op))
        out.append((node.name, fns, props, [ast.unparse(b) for b in node.bases]))
    return out


def signature(f: ast.FunctionDef, op: str | None, ops: dict) -> str:
    positional = [a.arg for a in f.args.args[1:]]
    params = ["self"] + [f"{a}: str" for a in positional]
    kw = []
    if op in ops:
        body, query = ops[op]
        fields = [(n, t, r) for n, (t, r) in body.items()] + [(n, t, r) for n, t, r in query]
        for name, t, required in sorted(fields, key=lambda x: not x[2]):
            if name in positional or not name.isidentifier() or keyword.iskeyword(name):
                continue
            kw.append(f"{name}: {t}" if required else f"{name}: {t} | None = None")
    for a in f.args.kwonlyargs:
        if a.arg not in {k.split(":")[0] for k in kw}:
            kw.append(f"{a.arg}: Any = ...")
    extra = ", " + OPTIONS + ", **params: Any"
    star = ", *" if kw else ""
    doc = ast.get_docstring(f)
    head = f"    def {f.name}({', '.join(params)}{star}{', ' if kw else ''}{', '.join(kw)}{extra if kw else ', *, ' + OPTIONS + ', **params: Any'}) -> Any:"
    return head + (f'\n        """{doc}"""\n        ...' if doc else " ...")


def render(spec_path: Path) -> str:
    spec = yaml.safe_load(spec_path.read_text())
    ops = operations(spec)
    lines = ['"""Typed signatures of every namespace method, generated from openapi.yaml by',
             'bindings-python/tools/gen_stubs.py; edit the generator, not this file."""', "",
             "from typing import Any, Literal", "", "from ._files import FileInput", ""]
    for cls, fns, props, bases in methods(ops):
        lines.append(f"class {cls}({', '.join(bases)}):" if bases else f"class {cls}:")
        body = [signature(f, op, ops) for f, op in fns] + props
        lines.extend(body or ["    ..."])
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    spec_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SPEC
    (PKG / "_resources.pyi").write_text(render(spec_path))
    print(f"wrote {PKG / '_resources.pyi'}")
