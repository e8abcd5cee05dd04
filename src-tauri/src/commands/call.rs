//! The video call commands: thin wrappers over [`crate::call_line`].

use base64::Engine;
use heima_core::{call::CallError, error::CoreError};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::{call_line::CallView, AppState};

fn core_error(e: CallError) -> CoreError {
    CoreError::new(e.code, e.detail)
}

#[tauri::command]
pub fn call_status(state: State<'_, AppState>) -> CallView {
    state.calls.view(&state)
}

#[tauri::command]
pub fn call_start(app: AppHandle) -> Result<(), CoreError> {
    crate::call_line::start(app).map_err(core_error)
}

#[tauri::command]
pub fn call_answer(app: AppHandle) -> Result<(), CoreError> {
    crate::call_line::answer(app).map_err(core_error)
}

/// Hangs up, declines a ringing call, or stops calling.
#[tauri::command]
pub async fn call_hang_up(app: AppHandle) -> Result<(), CoreError> {
    crate::call_line::hang_up(app).await;
    Ok(())
}

#[tauri::command]
pub fn call_set_muted(state: State<'_, AppState>, muted: bool) {
    state.calls.set_muted(muted);
}

#[tauri::command]
pub fn call_set_camera(state: State<'_, AppState>, on: bool) {
    state.calls.set_camera_on(on);
}

/// A picture for the call screen as a `data:` URL.
#[derive(Serialize)]
pub struct FrameView {
    pub number: u64,
    pub url: String,
}

/// The nurse's latest picture (or with `own`, the self view), if newer
/// than `after`.
#[tauri::command]
pub fn call_frame(state: State<'_, AppState>, own: bool, after: u64) -> Option<FrameView> {
    let frame = state.calls.frame(own)?;
    (frame.number > after).then(|| FrameView {
        number: frame.number,
        url: format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(&*frame.jpeg)),
    })
}

/// Demo mode: the demo nurse rings the patient (from the nurse page).
#[tauri::command]
pub fn call_demo_ring(state: State<'_, AppState>) -> Result<(), CoreError> {
    if !state.settings.lock().unwrap().is_demo() {
        return Err(CoreError::new("call-not-offered", "only in demo mode"));
    }
    state.calls.demo_ring();
    Ok(())
}
