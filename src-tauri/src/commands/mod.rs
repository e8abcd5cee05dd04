//! The commands the webview may call: each looks up the app state, makes one
//! core call and returns; errors go out as [`CoreError`] codes. Every
//! command that uses the state runs off the main thread (`async fn` or
//! `#[tauri::command(async)]`, on the async runtime's workers), so a slow
//! disk, a locked keyring or a busy store never freezes the screen.
//! `tests/tidy` checks this, and that the list agrees with `build.rs` and
//! `capabilities/main.json`.
//!
//! Here: today, the settings, language and display, the locale sources,
//! Bluetooth's status, the service's status, enrolment (by code, or by login
//! in the system browser through tauri-plugin-opener; then confirmed or
//! cancelled), sync now, the link that arrived, the stream of changes and
//! restart. The screens' own commands are in the submodules.

pub mod call;
pub mod messages;
pub mod nurse;
pub mod photos;
pub mod recording;

use heima_core::{
    app::{EnrolmentToConfirm, ServiceStatus, SettingsView},
    devices::BluetoothStatus,
    error::{CoreError, ErrorCode},
    locale::LocaleSources,
    settings::{ReminderSound, Settings, TextSize},
    speech::SpokenPart,
    today::TodayView,
};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::AppState;

/// The today screen: the plan's tasks for the patient's current day, or
/// `null` while the service has sent no plan yet.
#[tauri::command(async)]
pub fn today(state: State<'_, AppState>) -> Result<Option<TodayView>, CoreError> {
    state.today()
}

/// The connection with the follow-up service (settings, "ask your nurse").
#[tauri::command(async)]
pub fn service_status(state: State<'_, AppState>) -> ServiceStatus {
    state.service_status()
}

/// Enrols with the activation code the nurse gave (typed, or a QR code's
/// text); the service waits for the nurse's confirmation.
#[tauri::command]
pub async fn enrol_with_code(state: State<'_, AppState>, code: String) -> Result<EnrolmentToConfirm, CoreError> {
    state.enrol_with_code(&code).await
}

/// Enrols by logging in at the service in the system browser.
#[tauri::command]
pub async fn enrol_with_login(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    fhir_base: String,
) -> Result<EnrolmentToConfirm, CoreError> {
    let open_browser = |url: &str| {
        app.opener().open_url(url, None::<&str>).map_err(|e| CoreError::new(ErrorCode::EnrolRefused, e.to_string()))
    };
    state.enrol_with_login(&fhir_base, open_browser).await
}

/// The nurse confirms the service and patient she was shown (`ticket`).
#[tauri::command(async)]
pub fn confirm_enrolment(state: State<'_, AppState>, ticket: String) -> Result<(), CoreError> {
    state.confirm_enrolment(&ticket)
}

/// The nurse says no to the service she was shown.
#[tauri::command(async)]
pub fn cancel_enrolment(state: State<'_, AppState>) {
    state.cancel_enrolment();
}

/// Tries to send what waits now (the "send now" button).
#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>) {
    state.sync_soon();
}

/// Settings plus anything found at start-up that the user should be told.
#[tauri::command(async)]
pub fn settings(state: State<'_, AppState>) -> SettingsView {
    state.settings_with_notices()
}

/// Switches the language.
#[tauri::command(async)]
pub fn set_locale(state: State<'_, AppState>, tag: String) -> Result<Settings, CoreError> {
    state.set_locale(&tag)
}

/// Sets the text size (`normal`, `large`, `largest`) and high contrast.
#[tauri::command(async)]
pub fn set_display(
    state: State<'_, AppState>,
    text_size: TextSize,
    high_contrast: bool,
) -> Result<Settings, CoreError> {
    state.set_display(text_size, high_contrast)
}

/// Sets the reminders' sound (`bell`, `chime`, `alarm`, `off`).
#[tauri::command(async)]
pub fn set_reminder_sound(state: State<'_, AppState>, sound: ReminderSound) -> Result<Settings, CoreError> {
    state.set_reminder_sound(sound)
}

/// "Les opp": the screen's words, in their languages.
#[tauri::command(async)]
pub fn read_aloud(state: State<'_, AppState>, parts: Vec<SpokenPart>) -> Result<(), CoreError> {
    state.read_aloud(parts)
}

/// Stops reading aloud (a tap, another screen).
#[tauri::command(async)]
pub fn stop_reading(state: State<'_, AppState>) {
    state.stop_reading()
}

/// A reminder now, so the patient hears the chosen sound.
#[tauri::command(async)]
pub fn try_reminder_sound(state: State<'_, AppState>) {
    state.try_reminder_sound()
}

/// The `heima-enrol:` link that opened the app, for the enrolment form.
#[tauri::command(async)]
pub fn arrived_link(state: State<'_, AppState>) -> Option<String> {
    state.arrived_link()
}

/// Opens the stream of the core's changes to the window (once per page
/// load): each change goes out over `channel` as it happens.
#[tauri::command]
pub fn listen_changes(app: tauri::AppHandle, channel: tauri::ipc::Channel<heima_core::app::Change>) {
    crate::changes::listen(app, channel);
}

/// Restarts the app (the "Heima must restart" button).
#[tauri::command]
pub fn restart(app: tauri::AppHandle) {
    app.restart();
}

/// A language's Fluent sources, its fallbacks and how it writes dates and
/// numbers, for the UI.
#[tauri::command(async)]
pub fn locale_sources(state: State<'_, AppState>, tag: String) -> Result<LocaleSources, CoreError> {
    state.locale_sources(&tag)
}

#[tauri::command(async)]
pub fn bluetooth_status(state: State<'_, AppState>) -> BluetoothStatus {
    state.bluetooth()
}
