//! Commands of the messages screen. Messages go through the outbox like
//! readings; in demo mode the demo nurse answers after a few seconds.

use std::time::Duration;

use heima_core::{
    clock::Clock,
    error::CoreError,
    locale,
    store::messages::{IncomingMessage, Message},
};
use tauri::{AppHandle, Manager, State};

use super::{new_identifier, with_store, with_store_mut};
use crate::AppState;

#[tauri::command]
pub fn messages(state: State<'_, AppState>) -> Result<Vec<Message>, CoreError> {
    with_store(&state, |store| Ok(store.messages()?))
}

/// Stores and queues the patient's message.
#[tauri::command]
pub fn send_message(app: AppHandle, state: State<'_, AppState>, text: String) -> Result<Vec<Message>, CoreError> {
    let identifier = new_identifier("message")?;
    let now = state.clock.now();
    with_store_mut(&state, |store| Ok(store.send_message(&text, &identifier, now)?))?;
    state.sync_wake.notify_one();
    if state.settings.lock().unwrap().is_demo() {
        let locale = state.settings.lock().unwrap().locale;
        let reply = locale::format(locale, "demo-reply", &[]);
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let state = app.state::<AppState>();
            let incoming = IncomingMessage {
                identifier: format!("demo-reply/{identifier}"),
                sent: state.clock.now(),
                body: reply,
            };
            if let Err(e) = with_store_mut(&state, |store| Ok(store.receive_messages(&[incoming])?)) {
                log::warn!("demo reply not stored: {e}");
            }
        });
    }
    with_store(&state, |store| Ok(store.messages()?))
}

/// Marks the replies as read (the messages screen was shown).
#[tauri::command]
pub fn mark_messages_read(state: State<'_, AppState>) -> Result<usize, CoreError> {
    let now = state.clock.now();
    with_store(&state, |store| Ok(store.mark_messages_read(now)?))
}
