//! Hands the core's changes on: to the window over the Tauri channel it
//! opened with `listen_changes`, and to the desktop as the notifications
//! some changes carry (shown when the core says: always, or only when the
//! window is not in front); a hidden window comes forward when the core
//! says (a call rings).

use heima_core::{
    app::{Change, NotifyWhen},
    settings::ReminderSound,
};
use tauri::{ipc::Channel, AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

/// The task that forwards to the window's current channel.
static FORWARDING: std::sync::Mutex<Option<tauri::async_runtime::JoinHandle<()>>> = std::sync::Mutex::new(None);

/// Forwards the changes to `channel`, the window's newest (a reload opens a
/// new one, and a channel whose page is gone does not always say so): the
/// task for the one before stops.
pub fn listen(app: AppHandle, channel: Channel<Change>) {
    let task = tauri::async_runtime::spawn(to_window(app, channel));
    if let Some(before) = FORWARDING.lock().unwrap().replace(task) {
        before.abort();
    }
}

/// Sends each change to the window until the window's channel closes;
/// after a panic, that the app must restart. A hidden window comes
/// forward first for what cannot wait (a call, a reading, a restart).
async fn to_window(app: AppHandle, channel: Channel<Change>) {
    let mut listener = app.state::<AppState>().listen();
    let mut restart = std::pin::pin!(crate::crash::restart_needed());
    loop {
        let change = tokio::select! {
            change = listener.next() => match change {
                Some(change) => change,
                None => return,
            },
            () = &mut restart => Change::RestartNeeded,
        };
        let restarting = change == Change::RestartNeeded;
        if change.brings_window_forward() && !window_in_front(&app) {
            bring_forward(&app);
        }
        if channel.send(change).is_err() || restarting {
            return;
        }
    }
}

/// Whether the main window is shown, not minimised and has the focus.
fn window_in_front(app: &AppHandle) -> bool {
    app.get_webview_window("main").is_some_and(|w| {
        w.is_visible().unwrap_or(false) && !w.is_minimized().unwrap_or(true) && w.is_focused().unwrap_or(false)
    })
}

/// The desktop's own sound for a reminder: a freedesktop sound theme name
/// on Linux, a toast sound on Windows (where a notification without one is
/// silent).
fn sound_name(sound: ReminderSound) -> Option<&'static str> {
    #[cfg(not(windows))]
    let names = ["bell", "message-new-instant", "alarm-clock-elapsed"];
    #[cfg(windows)]
    let names = ["Reminder", "IM", "Alarm"];
    match sound {
        ReminderSound::Bell => Some(names[0]),
        ReminderSound::Chime => Some(names[1]),
        ReminderSound::Alarm => Some(names[2]),
        ReminderSound::Off => None,
    }
}

/// Shows, unminimises and focuses the main window.
pub fn bring_forward(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        #[cfg(desktop)]
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Shows the notifications the changes carry, for as long as the app runs.
pub async fn notify(app: AppHandle) {
    let mut listener = app.state::<AppState>().listen();
    while let Some(change) = listener.next().await {
        let Some((notification, when)) = change.notification() else { continue };
        if when == NotifyWhen::WindowHidden && window_in_front(&app) {
            continue;
        }
        let mut builder = app.notification().builder().title(&notification.title);
        if !notification.body.is_empty() {
            builder = builder.body(&notification.body);
        }
        if let Some(name) = change.sound().and_then(sound_name) {
            builder = builder.sound(name);
        }
        if let Err(e) = builder.show() {
            log::warn!("notification not shown: {e}");
        }
    }
}
