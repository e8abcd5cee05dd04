//! The commands the webview may call. Each one turns JSON into a core call
//! and the result back into JSON; errors go out as [`CoreError`] codes.
//! Keep the list in step with `build.rs` and `capabilities/main.json`.

use heima_core::{
    demo::TodayView,
    devices::BluetoothStatus,
    error::CoreError,
    locale::Locale,
    settings::{Settings, TextSize},
};
use serde::Serialize;
use tauri::State;

use crate::{settings_file, AppState};

/// The today screen: the plan's tasks for the patient's current day.
#[tauri::command]
pub fn today(state: State<'_, AppState>) -> TodayView {
    state.demo.today(&state.clock)
}

/// Settings plus anything found at start-up that the user should be told.
#[derive(Serialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub notices: Vec<CoreError>,
}

#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> SettingsView {
    SettingsView {
        settings: state.settings.lock().unwrap().clone(),
        notices: std::mem::take(&mut *state.startup_notices.lock().unwrap()),
    }
}

/// Applies a change to the settings and remembers it. The change is saved
/// before the call returns; if saving fails, the old settings stay.
fn change_settings(state: &AppState, change: impl FnOnce(&mut Settings)) -> Result<Settings, CoreError> {
    let mut settings = state.settings.lock().unwrap();
    let mut changed = settings.clone();
    change(&mut changed);
    settings_file::save(&state.data_dir, &changed)?;
    *settings = changed.clone();
    Ok(changed)
}

/// Switches the language.
#[tauri::command]
pub fn set_locale(state: State<'_, AppState>, tag: String) -> Result<Settings, CoreError> {
    let locale = Locale::from_tag(&tag)?;
    change_settings(&state, |s| s.locale = locale)
}

/// Sets the text size (`normal`, `large`, `largest`) and high contrast.
#[tauri::command]
pub fn set_display(state: State<'_, AppState>, text_size: TextSize, high_contrast: bool) -> Result<Settings, CoreError> {
    change_settings(&state, |s| {
        s.text_size = text_size;
        s.high_contrast = high_contrast;
    })
}

/// The Fluent sources of a locale, for the UI to format.
#[tauri::command]
pub fn locale_sources(tag: String) -> Result<Vec<&'static str>, CoreError> {
    Ok(Locale::from_tag(&tag)?.resources().iter().map(|(_, text)| *text).collect())
}

#[tauri::command]
pub fn bluetooth_status(state: State<'_, AppState>) -> BluetoothStatus {
    state.bluetooth.lock().unwrap().clone()
}
