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

/// What a panic says, without the values it was handling: where it
/// happened, and its message only when that is a literal in the code (a
/// message made at run time, by `format!`, an `expect` or the standard
/// library, may carry a value anywhere in it, a name or a reading).
fn summary(info: &PanicHookInfo<'_>) -> String {
    let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
    match info.payload().downcast_ref::<&'static str>() {
        Some(text) => format!("panic at {place}: {text}"),
        None => format!("panic at {place} (its message is left out: it may hold a value)"),
    }
}

/// Logs every panic and marks the app as needing a restart. It replaces
/// the default hook, whose whole message could carry a value.
/// Debug builds only: `HEIMA_PANIC_FOR_TEST=<ms>` panics a thread that
/// many milliseconds after start (`0`: before the window has drawn its
/// first screen), for the end-to-end test of this path.
pub fn install_hook() {
    std::panic::set_hook(Box::new(move |info| {
        let summary = summary(info);
        // The QR decoder's own panics are caught where they happen.
        if heima_core::camera::panic_is_contained() {
            log::warn!("contained: {summary}");
            return;
        }
        log::error!("{summary}");
        // Never a panic in the hook: a closed standard error is fine.
        let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("heima: {summary}\n"));
        RESTART_NEEDED.send_replace(true);
    }));
    let delay = crate::environment::shell_variable(crate::environment::ShellVariable::PanicForTest)
        .and_then(|ms| ms.to_str()?.parse().ok());
    if let Some(ms) = delay {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            // With a value in its message, as an `expect` on a bad reading
            // would show it: the value must not come out.
            let value = "120/80 mmHg";
            panic!("a panic the test asked for, at {value}");
        });
    }
}

/// Returns once a panic has happened (at once if one has).
pub async fn restart_needed() {
    let _ = RESTART_NEEDED.subscribe().wait_for(|needed| *needed).await;
}
