//! Tauri's build step, with one permission per app command so that the
//! capability in `capabilities/main.json` can grant exactly these commands.

/// Every command the webview may call; keep in step with `commands.rs`.
const COMMANDS: &[&str] = &["today", "settings", "set_locale", "set_display", "locale_sources",
    "bluetooth_status",
    "service_status",
    "enrol_with_code",
    "enrol_with_login",
    "sync_now",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
