"""Generates each language's layer from `spec/surface.toml` and `spec/openapi.yaml`.

    python tools/surface/generate.py          # write every generated file
    python tools/surface/generate.py --check  # exit 1 if a committed file differs from a fresh one

Each emitter is a module here with `outputs(spec, ops) -> {path: text}`; a new language is one
more emitter in EMITTERS.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import table  # noqa: E402

EMITTERS = ["emit_python_resources", "emit_python_types", "emit_python_stubs", "emit_kotlin", "emit_swift", "emit_typescript"]


def generated() -> dict[Path, str]:
    spec = table.load_spec()
    ops = table.operations(spec)
    out: dict[Path, str] = {}
    for name in EMITTERS:
        out.update(importlib.import_module(name).outputs(spec, ops))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    stale = []
    for path, text in generated().items():
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path)
        else:
            path.write_text(text)
    if stale:
        print("stale generated files (run `python tools/surface/generate.py`):", *[str(p.relative_to(table.ROOT)) for p in stale], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
