//! Sends a desktop notification when a task of the plan falls due and is
//! not done yet. Checks twice a minute; which tasks are due and the texts
//! (in the patient's language) come from the core. Nothing about readings
//! is logged.

use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

const EVERY: Duration = Duration::from_secs(30);

pub async fn run(app: AppHandle) {
    let mut last = app.state::<AppState>().clock().now();
    loop {
        tokio::time::sleep(EVERY).await;
        let state = app.state::<AppState>();
        let now = state.clock().now();
        for reminder in state.reminders_due(last, now) {
            if let Err(e) = app.notification().builder().title(&reminder.title).body(&reminder.body).show() {
                log::warn!("reminder for {} not shown: {e}", reminder.activity_id);
            }
        }
        last = now;
    }
}
