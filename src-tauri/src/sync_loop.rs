//! Runs sync rounds with the enrolled service in the background: at start,
//! every minute, and at once when woken (enrolment, "send now"). Each
//! round uses its own connection to the store, so the screens never wait
//! for the network. Refreshed tokens are saved; a revoked tablet stops
//! trying and the UI shows "ask your nurse". Nothing about readings is logged.

use std::time::Duration;

use heima_core::{
    clock::Clock,
    store::Store,
    sync::{
        client::Progress,
        round::{self, RoundSettings},
    },
};
use jiff::Timestamp;
use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::{load_store_key, service_secret, store_file, AppState};

const EVERY: Duration = Duration::from_secs(60);

/// Store setting that remembers a revoked enrolment across restarts.
pub const REVOKED_SETTING: &str = "sync.revoked";

/// What sync is doing, for the UI.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncState {
    /// The service no longer accepts this tablet.
    pub revoked: bool,
    /// The running drain's progress, for large uploads.
    pub progress: Option<Progress>,
    pub running: bool,
    /// The last round's error code, if it failed.
    pub last_error: Option<&'static str>,
    pub last_success: Option<Timestamp>,
}

impl SyncState {
    pub fn at_start(store: Option<&Store>) -> SyncState {
        let revoked = store.and_then(|s| s.setting(REVOKED_SETTING).ok().flatten()).is_some_and(|v| v == "true");
        SyncState { revoked, ..SyncState::default() }
    }
}

fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

pub async fn run(app: AppHandle) {
    loop {
        one_round(&app).await;
        let state = app.state::<AppState>();
        tokio::select! {
            _ = state.sync_wake.notified() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}

async fn one_round(app: &AppHandle) {
    let state = app.state::<AppState>();
    if state.settings.lock().unwrap().is_demo() || state.sync.lock().unwrap().revoked {
        return;
    }
    let enrolment = match service_secret::load() {
        Ok(Some(e)) => e,
        Ok(None) => {
            log::warn!("enrolled in the settings, but no enrolment secret found");
            state.sync.lock().unwrap().last_error = Some("sync-revoked");
            return;
        }
        Err(error) => {
            log::error!("enrolment secret unreadable: {error}");
            state.sync.lock().unwrap().last_error = Some("store-key-unavailable");
            return;
        }
    };
    let opened = load_store_key(&state.data_dir, false).map_err(|e| e.to_string()).and_then(|key| {
        Store::open(&store_file(&state.data_dir, false), &key, Timestamp::now()).map_err(|e| e.to_string())
    });
    let mut store = match opened {
        Ok(o) => o.store,
        Err(error) => {
            log::error!("sync could not open the store: {error}");
            state.sync.lock().unwrap().last_error = Some("store-failed");
            return;
        }
    };
    state.sync.lock().unwrap().running = true;
    let tz = state.clock.time_zone();
    let handle = app.clone();
    let mut progress = move |p: Progress| {
        handle.state::<AppState>().sync.lock().unwrap().progress = Some(p);
    };
    let result =
        round::run(&mut store, &enrolment, RoundSettings::default(), Timestamp::now, random_unit, &tz, &mut progress)
            .await;
    if let Some(refreshed) = &result.refreshed {
        if let Err(error) = service_secret::save(refreshed) {
            log::error!("refreshed tokens not saved: {error}");
        }
    }
    let mut sync = state.sync.lock().unwrap();
    sync.running = false;
    sync.progress = None;
    match result.outcome {
        Ok(report) => {
            log::info!(
                "sync: {} sent, {} already there, {} failed; {} plans, {} questionnaires, {} messages",
                report.upload.created,
                report.upload.already_there,
                report.upload.failed,
                report.download.plans_accepted,
                report.download.questionnaires_new,
                report.download.messages_new
            );
            sync.last_error = None;
            sync.last_success = Some(Timestamp::now());
        }
        Err(error) => {
            log::warn!("sync round failed: {}", error.code());
            if error.code() == "sync-revoked" {
                sync.revoked = true;
                if let Err(e) = store.set_setting(REVOKED_SETTING, "true") {
                    log::error!("revocation not remembered: {e}");
                }
            }
            sync.last_error = Some(error.code());
        }
    }
}
