//! Runs the core's sync rounds in the background: at start, every minute,
//! and at once when woken (enrolment, "send now", a new reading). The
//! round, and what its outcome means, is `heima_core::app`'s.

use std::time::Duration;

use tauri::{AppHandle, Manager};

use crate::AppState;

const EVERY: Duration = Duration::from_secs(60);

pub async fn run(app: AppHandle) {
    loop {
        let state = app.state::<AppState>();
        state.sync_round().await;
        tokio::select! {
            _ = state.sync_wanted() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
