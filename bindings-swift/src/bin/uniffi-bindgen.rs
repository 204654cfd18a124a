//! The uniffi generator, run from the workspace so generating bindings needs only crates.io.
fn main() {
    uniffi::uniffi_bindgen_main()
}
