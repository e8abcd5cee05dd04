//! Commands of the nurse's onboarding screen, behind the nurse code: the
//! nurse lock (unlock, lock, the page left), training mode, finding devices
//! (the core gets a btleplug scanner) and pairing them, what is still
//! unsent, and ending the follow-up (enrolment is in `mod.rs`).

use heima_core::{
    app::{EndChecklist, EndWith, Ended, FoundDevice, ScanView},
    error::CoreError,
    store::devices::PairedDevice,
    vocabulary::HealthService,
};
use tauri::{
    ipc::{Channel, InvokeResponseBody},
    Manager, State,
};

use crate::{bluetooth::BtleScanner, AppState};

/// Opens the nurse screens with the nurse code.
#[tauri::command(async)]
pub fn nurse_unlock(state: State<'_, AppState>, code: String) -> Result<bool, CoreError> {
    state.nurse_unlock(&code)
}

/// Closes the nurse screens (and ends training).
#[tauri::command(async)]
pub fn nurse_lock(state: State<'_, AppState>) {
    state.nurse_lock();
}

/// The nurse left her page (it locks unless training is on).
#[tauri::command(async)]
pub fn nurse_page_left(state: State<'_, AppState>) {
    state.nurse_page_left();
}

/// Opens the camera to read the enrolment QR code (nurse only).
#[tauri::command(async)]
pub fn qr_scan_start(state: State<'_, AppState>) -> Result<ScanView, CoreError> {
    state.qr_scan_start()
}

/// Closes the camera.
#[tauri::command(async)]
pub fn qr_scan_stop(state: State<'_, AppState>) {
    state.qr_scan_stop();
}

/// What the scan shows now.
#[tauri::command(async)]
pub fn qr_scan_view(state: State<'_, AppState>) -> ScanView {
    state.qr_scan_view()
}

/// Sends the camera's live view to the window over `channel`, each
/// picture as its JPEG bytes, until the camera closes or the window is gone.
#[tauri::command]
pub fn qr_scan_pictures(app: tauri::AppHandle, channel: Channel<InvokeResponseBody>) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut seen = 0;
        while let Some(frame) = state.next_scan_picture(&mut seen).await {
            if channel.send(InvokeResponseBody::Raw(frame.jpeg.as_ref().clone())).is_err() {
                return;
            }
        }
    });
}

/// Switches training mode on or off.
#[tauri::command(async)]
pub fn set_training(state: State<'_, AppState>, on: bool) -> Result<bool, CoreError> {
    state.set_training(on)
}

/// Looks for health devices nearby (the demo's simulated ones in demo mode).
#[tauri::command]
pub async fn find_devices(state: State<'_, AppState>) -> Result<Vec<FoundDevice>, CoreError> {
    state.find_devices(BtleScanner::new).await
}

#[tauri::command(async)]
pub fn pair_device(
    state: State<'_, AppState>,
    id: String,
    service: HealthService,
    name: String,
) -> Result<Vec<PairedDevice>, CoreError> {
    state.pair_device(&id, service, &name)
}

#[tauri::command(async)]
pub fn paired_devices(state: State<'_, AppState>) -> Result<Vec<PairedDevice>, CoreError> {
    state.paired_devices()
}

/// What the nurse is told before the end: what has not reached the
/// service yet, and the copies of the record saved on the tablet.
#[tauri::command(async)]
pub fn end_checklist(state: State<'_, AppState>) -> Result<EndChecklist, CoreError> {
    state.end_checklist()
}

/// Ends the follow-up on this tablet and removes everything of it.
#[tauri::command]
pub async fn end_follow_up(state: State<'_, AppState>, with: EndWith) -> Result<Ended, CoreError> {
    state.end_follow_up(with).await
}
