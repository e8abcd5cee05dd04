//! Commands of the messages screen, over `heima_core::app`.

use heima_core::{error::CoreError, store::messages::Message};
use tauri::State;

use crate::AppState;

#[tauri::command(async)]
pub fn messages(state: State<'_, AppState>) -> Result<Vec<Message>, CoreError> {
    state.messages()
}

/// Stores and queues the patient's message.
#[tauri::command(async)]
pub fn send_message(state: State<'_, AppState>, text: String) -> Result<Vec<Message>, CoreError> {
    state.send_message(&text)
}

/// Marks the replies as read (the messages screen was shown).
#[tauri::command(async)]
pub fn mark_messages_read(state: State<'_, AppState>) -> Result<usize, CoreError> {
    state.mark_messages_read()
}
