//! The `heima` binary: starts the Tauri app. All wiring is in the library.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    heima_app::startup::mark_process_start();
    heima_app::run();
}
