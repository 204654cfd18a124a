#!/usr/bin/env bash
# Builds EmpirioLabsFFI.xcframework (iOS devices, the iOS simulator and macOS, each a static
# library of the Rust core with the uniffi C header module) next to Package.swift, on a Mac with
# Xcode and rustup. Usage: ./build-xcframework.sh [release|debug]   (default release)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
profile=${1:-release}
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework.sh: needs macOS with Xcode (xcodebuild, lipo)" >&2; exit 1; }

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"

cd "$root"
flag=$([ "$profile" = release ] && echo --release || echo)
for t in "${targets[@]}"; do
  # The crate is a cdylib for JNA; Apple platforms link it statically.
  cargo rustc $flag -p empiriolabs-swift --lib --target "$t" --crate-type staticlib
done

# The generated Swift must match this build of the library (it checks the checksums at load).
"$root/bindings-swift/generate-swift.sh"

lib() { echo "$root/target/$1/$profile/libempiriolabs_ffi.a"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sim" "$work/macos" "$work/headers"
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$work/sim/libempiriolabs_ffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$work/macos/libempiriolabs_ffi.a"
cp "$here/Sources/EmpirioLabsFFIC/EmpirioLabsFFIC.h" "$here/Sources/EmpirioLabsFFIC/module.modulemap" "$work/headers/"

rm -rf "$here/EmpirioLabsFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$work/headers" \
  -library "$work/sim/libempiriolabs_ffi.a" -headers "$work/headers" \
  -library "$work/macos/libempiriolabs_ffi.a" -headers "$work/headers" \
  -output "$here/EmpirioLabsFFI.xcframework"
echo "built $here/EmpirioLabsFFI.xcframework ($profile)"
