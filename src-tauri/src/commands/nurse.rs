//! Commands of the nurse's onboarding screen, behind the nurse code: the
//! nurse lock (unlock, lock, the page left), training mode, finding devices
//! (the core gets a btleplug scanner) and pairing them, what is still
//! unsent, and ending the follow-up (enrolment is in `mod.rs`).

use heima_core::{
    app::{EndChecklist, EndWith, Ended, FoundDevice},
    error::CoreError,
    store::devices::PairedDevice,
    vocabulary::HealthService,
};
use tauri::State;

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
