//! Runs the core's sync rounds in the background: at start, every minute,
//! and at once when woken (enrolment, "send now", a new reading). The
//! round, and what its outcome means, is `heima_core::app`'s.

use std::time::Duration;

use tauri::{AppHandle, Manager};

use crate::AppState;

const EVERY: Duration = Duration::from_secs(60);

/// A random number in [0, 1), for the retries' jitter.
fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

pub async fn run(app: AppHandle) {
    loop {
        let state = app.state::<AppState>();
        state.sync_round(random_unit).await;
        tokio::select! {
            _ = state.sync_wanted() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
