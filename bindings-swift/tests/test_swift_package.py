"""The Swift package, checked on a machine without a Swift compiler: every Swift file parses
with the tree-sitter Swift grammar, the uniffi bindings committed under Sources/ are what the
generator makes from the current crate, and the Swift surface (Sources/EmpirioLabs) is the
surface table's, method for method."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_swift

import table

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "bindings-swift" / "swift"
LAYER = PKG / "Sources" / "EmpirioLabs"
GENERATED = PKG / "Sources" / "EmpirioLabsFFI" / "EmpirioLabsFFI.swift"

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))

# Valid Swift that this grammar does not know, found only in uniffi's generated file: blanked
# (same length, so positions stay) before parsing that file. Anything else must parse as it is.
GRAMMAR_GAPS = [b"@_documentation(visibility: private)", b"{ () }"]


def swift_files() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.swift") if ".build" not in p.parts)


def parse(path: Path) -> tree_sitter.Tree:
    src = path.read_bytes()
    if path == GENERATED:
        for gap in GRAMMAR_GAPS:
            src = src.replace(gap, b" " * len(gap))
    return PARSER.parse(src)


def errors(tree: tree_sitter.Tree) -> list[str]:
    out: list[str] = []

    def walk(n: tree_sitter.Node) -> None:
        if n.type == "ERROR" or n.is_missing:
            out.append(f"{'missing' if n.is_missing else 'error'} at {n.start_point[0] + 1}:{n.start_point[1] + 1}: {n.text.decode(errors='replace')[:80]!r}")
            return
        for c in n.children:
            walk(c)

    walk(tree.root_node)
    return out


def test_there_is_a_swift_package():
    names = {p.relative_to(PKG).as_posix() for p in swift_files()}
    assert "Package.swift" in names and "Sources/EmpirioLabsFFI/EmpirioLabsFFI.swift" in names
    assert any(n.startswith("Tests/EmpirioLabsTests/") for n in names)
    assert (PKG / "build-xcframework.sh").exists()


@pytest.mark.parametrize("path", swift_files(), ids=lambda p: p.relative_to(PKG).as_posix())
def test_every_swift_file_parses(path):
    problems = errors(parse(path))
    assert not problems, f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems[:20])


def test_the_parse_check_can_fail(tmp_path):
    bad = tmp_path / "Bad.swift"
    bad.write_text("public struct X {\n    public func f( -> Int { 1 }\n}\n")
    assert errors(parse(bad))


def test_the_generated_uniffi_swift_is_current(tmp_path):
    subprocess.run([str(ROOT / "bindings-swift" / "generate-swift.sh"), str(tmp_path)], check=True, cwd=ROOT)
    for rel in ["EmpirioLabsFFI/EmpirioLabsFFI.swift", "EmpirioLabsFFIC/EmpirioLabsFFIC.h", "EmpirioLabsFFIC/module.modulemap"]:
        assert filecmp.cmp(tmp_path / rel, PKG / "Sources" / rel, shallow=False), \
            f"Sources/{rel} is stale: run bindings-swift/generate-swift.sh"


def test_the_generated_layers_are_current():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "surface" / "generate.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def declarations() -> dict[str, dict[str, set[str]]]:
    """Type name -> {"funcs": public methods, "props": {name: type}} over every Swift file of the layer."""
    out: dict[str, dict] = {}
    for path in sorted(LAYER.glob("*.swift")):
        root = parse(path).root_node
        for decl in root.named_children:
            if decl.type != "class_declaration":
                continue
            name = decl.child_by_field_name("name").text.decode()
            entry = out.setdefault(name, {"funcs": set(), "props": {}})
            body = next((c for c in decl.named_children if c.type == "class_body"), None)
            for member in body.named_children if body else []:
                public = any(m.type == "modifiers" and b"public" in m.text for m in member.named_children)
                if not public:
                    continue
                if member.type == "function_declaration":
                    entry["funcs"].add(member.child_by_field_name("name").text.decode())
                elif member.type == "property_declaration":
                    pattern = next((c for c in member.named_children if c.type == "pattern"), None)
                    annot = next((c for c in member.named_children if c.type == "type_annotation"), None)
                    if pattern is not None and annot is not None:
                        entry["props"][pattern.text.decode()] = annot.text.decode().lstrip(":").strip()
    return out


def swift_surface() -> dict[str, set[str]]:
    decls = declarations()
    namespaces = {n for n in decls if n != "EmpirioLabs"}
    out: dict[str, set[str]] = {}

    def walk(path: str, type_name: str) -> None:
        d = decls[type_name]
        out[path] = set(d["funcs"])
        for prop, t in d["props"].items():
            if t in namespaces:
                walk(f"{path}.{prop}", t)

    for prop, t in decls["EmpirioLabs"]["props"].items():
        if t in namespaces:
            walk(prop, t)
    return out


def test_the_swift_surface_is_the_table():
    expected = {table.spelled(ns, "swift"): {table.camel(m) for m in ms} for ns, ms in table.places(table.operations()).items()}
    got = swift_surface()
    assert sorted(got) == sorted(expected), f"namespaces differ: missing {sorted(set(expected) - set(got))}, extra {sorted(set(got) - set(expected))}"
    problems = [f"{ns}: missing {sorted(expected[ns] - got[ns])}, not in the table {sorted(got[ns] - expected[ns])}"
                for ns in expected if got[ns] != expected[ns]]
    assert not problems, "\n".join(problems)


def test_the_surface_check_sees_a_missing_method(monkeypatch):
    real = declarations()
    real["VideosTemplates"]["funcs"].discard("retrieve")
    monkeypatch.setattr(sys.modules[__name__], "declarations", lambda: real)
    with pytest.raises(AssertionError, match="videos.templates: missing \\['retrieve'\\]"):
        test_the_swift_surface_is_the_table()
