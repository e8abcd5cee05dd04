//! Looks for an incoming call when the push channel announces one (or, as
//! often as the core says, when there is no push), and shows a desktop
//! notification when a call starts ringing, for when the app is not in
//! front.

use std::time::Duration;

use heima_core::locale;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

/// With push working, nothing to wait for but the channel.
const QUIET: Duration = Duration::from_secs(24 * 60 * 60);

pub async fn run(app: AppHandle) {
    loop {
        let state = app.state::<AppState>();
        tokio::select! {
            _ = state.call_check_wanted() => {}
            _ = tokio::time::sleep(state.call_poll_every().unwrap_or(QUIET)) => {}
        }
        if state.call_poll_incoming().await {
            let title = locale::format(state.settings().locale, "call-incoming", &[]);
            if let Err(e) = app.notification().builder().title(&title).show() {
                log::warn!("incoming call notification not shown: {e}");
            }
        }
    }
}
