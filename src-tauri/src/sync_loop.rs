//! Runs the core's sync rounds in the background: at start, when woken
//! (enrolment, "send now", a new reading, the push channel), and otherwise
//! as often as the core says (hourly with push, every 15 minutes without,
//! sooner when something waiting to be sent is due). The round, and what
//! its outcome means, is `heima_core::app`'s.

use tauri::{AppHandle, Manager};

use crate::AppState;

pub async fn run(app: AppHandle) {
    loop {
        let state = app.state::<AppState>();
        state.sync_round().await;
        tokio::select! {
            _ = state.sync_wanted() => {}
            _ = tokio::time::sleep(state.sync_every()) => {}
        }
    }
}
