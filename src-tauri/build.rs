//! Reads the root `tauri.conf.json`, so plain cargo builds the app (no tauri-cli needed).
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script");
}
