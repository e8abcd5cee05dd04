//! Commands of the nurse's onboarding screen, behind the nurse code:
//! training mode, finding and pairing devices. Enrolment is in `mod.rs`.

use std::{sync::atomic::Ordering, time::Duration};

use heima_core::{
    clock::Clock,
    demo,
    devices::transport::{Scanner, HEALTH_SERVICES},
    error::CoreError,
    plan::MeasurementKind,
    store::devices::PairedDevice,
};
use serde::Serialize;
use tauri::State;

use super::with_store;
use crate::{bluetooth::BtleScanner, AppState};

/// Environment variable with the nurse code; demo mode uses [`DEMO_NURSE_CODE`].
pub const NURSE_CODE_ENV: &str = "HEIMA_NURSE_CODE";
pub const DEMO_NURSE_CODE: &str = "2468";

fn nurse_code(state: &AppState) -> Option<String> {
    std::env::var(NURSE_CODE_ENV)
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| state.settings.lock().unwrap().is_demo().then(|| DEMO_NURSE_CODE.to_string()))
}

pub(crate) fn require_nurse(state: &AppState) -> Result<(), CoreError> {
    if state.nurse_unlocked.load(Ordering::SeqCst) {
        Ok(())
    } else {
        Err(CoreError::new("nurse-locked", "the nurse code was not given"))
    }
}

/// Opens the nurse screens with the nurse code.
#[tauri::command]
pub fn nurse_unlock(state: State<'_, AppState>, code: String) -> Result<bool, CoreError> {
    let Some(expected) = nurse_code(&state) else {
        return Err(CoreError::new("nurse-no-code", "no nurse code is configured"));
    };
    let ok = code.trim() == expected;
    state.nurse_unlocked.store(ok, Ordering::SeqCst);
    if ok {
        Ok(true)
    } else {
        Err(CoreError::new("nurse-wrong-code", "wrong nurse code"))
    }
}

/// Closes the nurse screens (and ends training).
#[tauri::command]
pub fn nurse_lock(state: State<'_, AppState>) {
    state.nurse_unlocked.store(false, Ordering::SeqCst);
    state.training.store(false, Ordering::SeqCst);
}

/// Switches training mode on or off.
#[tauri::command]
pub fn set_training(state: State<'_, AppState>, on: bool) -> Result<bool, CoreError> {
    if on {
        require_nurse(&state)?;
    }
    state.training.store(on, Ordering::SeqCst);
    Ok(on)
}

/// A device found nearby that can be paired.
#[derive(Serialize)]
pub struct FoundDevice {
    pub id: String,
    /// The health service, 4 hex digits.
    pub service: String,
    pub name: String,
    pub paired: bool,
}

/// Looks for health devices nearby (the demo's simulated ones in demo mode).
#[tauri::command]
pub async fn find_devices(state: State<'_, AppState>) -> Result<Vec<FoundDevice>, CoreError> {
    require_nurse(&state)?;
    let paired: Vec<String> = with_store(&state, |s| Ok(s.paired_devices()?))?.into_iter().map(|d| d.id).collect();
    let found: Vec<(String, String, String)> = if state.settings.lock().unwrap().is_demo() {
        tokio::time::sleep(Duration::from_millis(800)).await;
        MeasurementKind::ALL
            .iter()
            .filter_map(|k| demo::devices::identity(*k))
            .map(|(id, service, _, name)| (id.to_string(), format!("{service:04x}"), name.to_string()))
            .collect()
    } else {
        let mut scanner =
            BtleScanner::new().await.map_err(|e| CoreError::new("bluetooth-unavailable", e.to_string()))?;
        scanner
            .scan(&HEALTH_SERVICES, Duration::from_secs(8))
            .await
            .map_err(|e| CoreError::new("bluetooth-unavailable", e.to_string()))?
            .into_iter()
            .filter_map(|a| {
                a.services
                    .first()
                    .map(|s| (a.id.clone(), format!("{s:04x}"), a.name.clone().unwrap_or_else(|| a.id.clone())))
            })
            .collect()
    };
    Ok(found
        .into_iter()
        .map(|(id, service, name)| FoundDevice { paired: paired.contains(&id), id, service, name })
        .collect())
}

#[tauri::command]
pub fn pair_device(
    state: State<'_, AppState>,
    id: String,
    service: String,
    name: String,
) -> Result<Vec<PairedDevice>, CoreError> {
    require_nurse(&state)?;
    let now = state.clock.now();
    with_store(&state, |s| {
        s.pair_device(&id, &service, &name, now)?;
        Ok(s.paired_devices()?)
    })
}

#[tauri::command]
pub fn paired_devices(state: State<'_, AppState>) -> Result<Vec<PairedDevice>, CoreError> {
    with_store(&state, |s| Ok(s.paired_devices()?))
}
