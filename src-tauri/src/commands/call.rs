//! The video call commands, over the core's call line: status, start,
//! answer, hang up, mute, camera, the pictures as binary over a channel
//! (`call_pictures`) and the demo nurse's ring.

use heima_core::{
    app::{call_line::Picture, CallScreen, PicturesSeen},
    error::CoreError,
};
use tauri::{
    ipc::{Channel, InvokeResponseBody},
    Manager, State,
};

use crate::AppState;

#[tauri::command(async)]
pub fn call_status(state: State<'_, AppState>) -> CallScreen {
    state.call_screen()
}

#[tauri::command(async)]
pub fn call_start(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_start()
}

/// The patient joins a booked video appointment from its card.
#[tauri::command(async)]
pub fn appointment_join(state: State<'_, AppState>, id: String) -> Result<(), CoreError> {
    state.appointment_join(&id)
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

/// Sends the call's pictures to the window over `channel` as they come,
/// each as its JPEG bytes after one byte saying whose (0: the other side,
/// 1: the self view), until the call is over or the window is gone.
#[tauri::command]
pub fn call_pictures(app: tauri::AppHandle, channel: Channel<InvokeResponseBody>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut seen = PicturesSeen::default();
        while let Some(pictures) = state.next_pictures(&mut seen).await {
            for (picture, frame) in pictures {
                let mut bytes = Vec::with_capacity(frame.jpeg.len() + 1);
                bytes.push(match picture {
                    Picture::Theirs => 0,
                    Picture::Own => 1,
                });
                bytes.extend_from_slice(&frame.jpeg);
                if channel.send(InvokeResponseBody::Raw(bytes)).is_err() {
                    return;
                }
            }
        }
    });
}

/// Demo mode: the demo nurse rings the patient (from the nurse page).
#[tauri::command]
pub async fn call_demo_ring(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.call_demo_ring().await
}
