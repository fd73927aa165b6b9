//! Tauri's build step for the baseline window.
fn main() {
    tauri_build::build()
}
