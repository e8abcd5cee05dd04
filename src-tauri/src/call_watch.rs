//! Asks the service now and then whether someone is calling the patient
//! (the core's call line decides), and shows a desktop notification when
//! a call starts ringing, for when the app is not in front.

use std::time::Duration;

use heima_core::locale;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

const EVERY: Duration = Duration::from_secs(4);

pub async fn run(app: AppHandle) {
    loop {
        tokio::time::sleep(EVERY).await;
        let state = app.state::<AppState>();
        if state.call_poll_incoming().await {
            let title = locale::format(state.settings().locale, "call-incoming", &[]);
            if let Err(e) = app.notification().builder().title(&title).show() {
                log::warn!("incoming call notification not shown: {e}");
            }
        }
    }
}
