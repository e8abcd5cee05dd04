//! Keeps the push channel up: runs the core's push sessions one after
//! another, waiting between them as long as the core says (backoff after a
//! failure, hours when the service offers no subscriptions), or until the
//! core wants a fresh start (an enrolment).

use tauri::{AppHandle, Manager};

use crate::AppState;

pub async fn run(app: AppHandle) {
    loop {
        let state = app.state::<AppState>();
        let wait = state.push_session().await;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.push_wanted() => {}
        }
    }
}
