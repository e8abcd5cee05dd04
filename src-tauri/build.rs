//! Tauri's build step, with one permission per app command so that the
//! capability in `capabilities/main.json` can grant exactly these commands.

/// Every command the webview may call; keep in step with `commands.rs`.
const COMMANDS: &[&str] = &[
    "today",
    "settings",
    "set_locale",
    "set_display",
    "locale_sources",
    "bluetooth_status",
    "service_status",
    "enrol_with_code",
    "enrol_with_login",
    "confirm_enrolment",
    "cancel_enrolment",
    "sync_now",
    "measure_fields",
    "set_taken_by",
    "recorders",
    "measure_with_device",
    "enter_reading",
    "reading",
    "questionnaire",
    "questionnaire_screens",
    "check_answer",
    "submit_answers",
    "plan",
    "measuring",
    "arrived_link",
    "attention",
    "restart",
    "plan_change_seen",
    "save_export",
    "history",
    "messages",
    "send_message",
    "mark_messages_read",
    "nurse_unlock",
    "nurse_lock",
    "nurse_page_left",
    "set_training",
    "find_devices",
    "pair_device",
    "paired_devices",
    "unsent_items",
    "end_follow_up",
    "call_status",
    "call_start",
    "call_answer",
    "call_hang_up",
    "call_set_muted",
    "call_set_camera",
    "call_frame",
    "call_demo_ring",
    "ui_ready",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
