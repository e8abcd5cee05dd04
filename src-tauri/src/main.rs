//! The `heima` binary. While the process has one thread, it marks the
//! process start (`startup.rs`), sets WebKit's switches (`webview_env.rs`)
//! and takes the secrets out of the environment; then it runs the app. All
//! wiring is in the library.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    heima_app::startup::mark_process_start();
    // SAFETY: first thing in `main`, before any other thread exists.
    unsafe { heima_app::webview_env::apply() };
    heima_app::environment::take_secrets();
    heima_app::run();
}
