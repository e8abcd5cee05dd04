//! Commands of the photo screen (Bilde) and the photos in the history,
//! over `heima_core::app`: the camera's live view (its pictures as JPEG
//! bytes over a channel), a still taken from it, a picture file sent as
//! the request's raw body, the photo shown before it is kept (raw JPEG
//! bytes back), kept or discarded; and a kept photo's picture.

use heima_core::{app::PhotoPreview, error::CoreError, store::photos::StoredPhoto};
use tauri::{
    ipc::{Channel, InvokeBody, InvokeResponseBody, Request, Response},
    Manager, State,
};

use crate::AppState;

/// Opens the camera to take a photo for the plan's activity `activity`.
#[tauri::command(async)]
pub fn photo_camera_start(state: State<'_, AppState>, activity: String) -> Result<(), CoreError> {
    state.photo_camera_start(&activity)
}

/// Closes the camera.
#[tauri::command(async)]
pub fn photo_camera_stop(state: State<'_, AppState>) {
    state.photo_camera_stop();
}

/// Sends the camera's live view over `channel` as JPEG bytes, until the
/// camera closes or the window is gone.
#[tauri::command]
pub fn photo_pictures(app: tauri::AppHandle, channel: Channel<InvokeResponseBody>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut seen = 0;
        while let Some(frame) = state.next_photo_picture(&mut seen).await {
            if channel.send(InvokeResponseBody::Raw(frame.jpeg.as_ref().clone())).is_err() {
                return;
            }
        }
    });
}

/// Takes the still the camera shows now.
#[tauri::command(async)]
pub fn photo_take(state: State<'_, AppState>) -> Result<PhotoPreview, CoreError> {
    state.photo_take()
}

/// A picture file the patient chose: its bytes are the request's raw body,
/// the activity its `activity` header.
#[tauri::command(async)]
pub fn photo_from_file(state: State<'_, AppState>, request: Request<'_>) -> Result<PhotoPreview, CoreError> {
    let activity = request.headers().get("activity").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let bytes: &[u8] = match request.body() {
        InvokeBody::Raw(bytes) => bytes,
        InvokeBody::Json(_) => &[],
    };
    state.photo_from_file(activity, bytes)
}

/// The photo waiting to be kept, as JPEG bytes (empty when none waits).
#[tauri::command(async)]
pub fn photo_waiting(state: State<'_, AppState>) -> Response {
    Response::new(state.photo_waiting_jpeg().unwrap_or_default())
}

/// Keeps the waiting photo and queues it for the service.
#[tauri::command(async)]
pub fn photo_keep(state: State<'_, AppState>, ticket: String) -> Result<StoredPhoto, CoreError> {
    state.photo_keep(&ticket)
}

/// Forgets the waiting photo and closes the camera.
#[tauri::command(async)]
pub fn photo_discard(state: State<'_, AppState>) {
    state.photo_discard();
}

/// The photos of the last `days` days.
#[tauri::command(async)]
pub fn photos(state: State<'_, AppState>, days: u16) -> Result<Vec<StoredPhoto>, CoreError> {
    state.photos(days)
}

/// A kept photo's picture, as JPEG bytes.
#[tauri::command(async)]
pub fn photo_picture(state: State<'_, AppState>, id: i64) -> Result<Response, CoreError> {
    state.photo_jpeg(id).map(Response::new)
}
