//! A panic anywhere in the app: written to the log and to standard error
//! (where it happened and the code's own words, never the values it was
//! handling: the default hook, which prints the whole message, does not
//! run), and the window
//! asked to show "Heima must restart" with a restart button
//! (`changes::to_window` tells it `Change::RestartNeeded` at once, and
//! `restart` restarts).

use std::{panic::PanicHookInfo, sync::LazyLock};

/// Whether a panic has happened since the start, for whoever waits.
static RESTART_NEEDED: LazyLock<tokio::sync::watch::Sender<bool>> =
    LazyLock::new(|| tokio::sync::watch::Sender::new(false));

/// Debug builds only: `HEIMA_PANIC_FOR_TEST=<ms>` panics a thread that
/// many milliseconds after start (`0`: before the window has drawn its
/// first screen), for the end-to-end test of this path.
pub const PANIC_FOR_TEST_ENV: &str = "HEIMA_PANIC_FOR_TEST";

/// What a panic says, without the values it was handling: an `expect`'s
/// own message up to where it shows the error, or a literal.
fn summary(info: &PanicHookInfo<'_>) -> String {
    let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
    let words = if let Some(text) = info.payload().downcast_ref::<&'static str>() {
        (*text).to_string()
    } else if let Some(text) = info.payload().downcast_ref::<String>() {
        text.split(": ").next().unwrap_or_default().chars().take(120).collect()
    } else {
        String::new()
    };
    format!("panic at {place}: {words}")
}

/// Logs every panic and marks the app as needing a restart. It replaces
/// the default hook, whose whole message could carry a value.
pub fn install_hook() {
    std::panic::set_hook(Box::new(move |info| {
        let summary = summary(info);
        log::error!("{summary}");
        eprintln!("heima: {summary}");
        RESTART_NEEDED.send_replace(true);
    }));
    let delay = std::env::var(PANIC_FOR_TEST_ENV).ok().and_then(|ms| ms.parse().ok());
    if let (true, Some(ms)) = (cfg!(debug_assertions), delay) {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            // With a value after the words, as an `expect` on a bad
            // reading would show it: the value must not come out.
            let value = "120/80 mmHg";
            panic!("a panic the test asked for: {value}");
        });
    }
}

/// Returns once a panic has happened (at once if one has).
pub async fn restart_needed() {
    let _ = RESTART_NEEDED.subscribe().wait_for(|needed| *needed).await;
}
