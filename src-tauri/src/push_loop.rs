//! Keeps the push channel up: runs the core's push sessions one after
//! another, waiting between them as long as the core says (backoff after a
//! failure, hours when the service offers no subscriptions).

use tauri::{AppHandle, Manager};

use crate::AppState;

pub async fn run(app: AppHandle) {
    loop {
        let wait = app.state::<AppState>().push_session().await;
        tokio::time::sleep(wait).await;
    }
}
