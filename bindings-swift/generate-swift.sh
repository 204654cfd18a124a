#!/usr/bin/env bash
# Regenerates the uniffi Swift bindings (the EmpirioLabsFFI module and its C header module
# EmpirioLabsFFIC) from the cdylib, into swift/Sources (or the folder given). Needs only cargo:
# uniffi-bindgen is a bin target of this workspace.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bindings-swift/swift/Sources}
cd "$root"
cargo build --quiet -p empiriolabs-swift --lib --bin uniffi-bindgen
target=${CARGO_TARGET_DIR:-$root/target}/debug
lib=$target/libempiriolabs_ffi.so
[ -f "$lib" ] || lib=$target/libempiriolabs_ffi.dylib
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$target/uniffi-bindgen" generate --library "$lib" --language swift --no-format --out-dir "$tmp" >/dev/null
mkdir -p "$out/EmpirioLabsFFI" "$out/EmpirioLabsFFIC"
cp "$tmp/EmpirioLabsFFI.swift" "$out/EmpirioLabsFFI/EmpirioLabsFFI.swift"
cp "$tmp/EmpirioLabsFFIC.h" "$out/EmpirioLabsFFIC/EmpirioLabsFFIC.h"
cp "$tmp/EmpirioLabsFFIC.modulemap" "$out/EmpirioLabsFFIC/module.modulemap"
