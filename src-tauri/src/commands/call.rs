//! The video call commands, over the core's call line: status, start,
//! answer, hang up, mute, camera, a picture as a `data:` URL (`call_frame`)
//! and the demo nurse's ring.

use base64::Engine;
use heima_core::{
    app::{call_line::Picture, CallScreen},
    error::CoreError,
};
use serde::Serialize;
use tauri::State;

use crate::AppState;

#[tauri::command(async)]
pub fn call_status(state: State<'_, AppState>) -> CallScreen {
    state.call_screen()
}

#[tauri::command(async)]
pub fn call_start(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_start()
}

#[tauri::command(async)]
pub fn call_answer(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_answer()
}

/// Hangs up, declines a ringing call, or stops calling.
#[tauri::command]
pub async fn call_hang_up(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_hang_up().await;
    Ok(())
}

#[tauri::command(async)]
pub fn call_set_muted(state: State<'_, AppState>, muted: bool) {
    state.call_set_muted(muted);
}

#[tauri::command(async)]
pub fn call_set_camera(state: State<'_, AppState>, on: bool) {
    state.call_set_camera(on);
}

/// A picture for the call screen as a `data:` URL.
#[derive(Serialize)]
pub struct FrameView {
    pub number: u64,
    pub url: String,
}

/// The nurse's latest picture (or with `own`, the self view), if newer
/// than `after`.
#[tauri::command(async)]
pub fn call_frame(state: State<'_, AppState>, own: bool, after: u64) -> Option<FrameView> {
    let frame = state.call_frame(if own { Picture::Own } else { Picture::Theirs }, after)?;
    let url = format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(&*frame.jpeg));
    Some(FrameView { number: frame.number, url })
}

/// Demo mode: the demo nurse rings the patient (from the nurse page).
#[tauri::command]
pub async fn call_demo_ring(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_demo_ring().await
}
