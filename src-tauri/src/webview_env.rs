//! How Heima asks WebKitGTK to run lean. WebKitGTK reads these switches
//! from the environment when it starts, and its web and network processes
//! inherit them, so they are set first thing in `main`, before any thread
//! or window exists. A value the user already set is left alone, so a
//! switch is undone by setting its variable to WebKit's own default
//! (`WEBKIT_DISABLE_COMPOSITING_MODE=0`, `JSC_useJIT=1`, …).
//!
//! Heima's pages are plain forms, text and one chart: nothing needs GPU
//! compositing or a JavaScript JIT. Without them the app with its WebKit
//! processes needs far less memory (figures in `bench/RESULTS.md`).
//!
//! Programs the app starts inherit the switches too; the only one is the
//! system browser for the service's login, which is usually running
//! already (and a WebKit browser started this way still works, without
//! its JIT).

/// `(variable, value)` for each switch, and why.
pub const SWITCHES: &[(&str, &str)] = &[
    // Paint pages on the CPU instead of compositing GL layers: the layer
    // tiles were the largest part of the web process.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // Share pictures with the window by plain shared memory, not DMA-BUF
    // (also the usual cure for blank windows on some GPU drivers).
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    // GTK needs no GL for this window; don't load a GL driver for it.
    ("GDK_GL", "disable"),
    // Name the GPU render node for the web process instead of letting the
    // app process bring up EGL (and with it the whole GL driver, Mesa's
    // LLVM included) only to look one up. The web process paints on the
    // CPU into shared memory (the two switches above), so it needs none; a
    // path that does not exist makes it fall back to its default display.
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/nonexistent/heima-paints-on-the-cpu"),
    // JavaScriptCore's interpreter is quick enough for these pages; the JIT
    // tiers cost memory (their code and compiled code) and attack surface.
    ("JSC_useJIT", "0"),
];

/// The switches not already present in `current`, to be set.
pub fn missing(current: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    SWITCHES.iter().copied().filter(|(name, _)| !current(name)).collect()
}

/// Sets the missing switches in this process's environment.
///
/// # Safety
/// Must run while the process has a single thread (first thing in `main`):
/// changing the environment races with other threads reading it.
pub unsafe fn apply() {
    for (name, value) in missing(|name| std::env::var_os(name).is_some()) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_the_user_set_is_kept() {
        let set = missing(|name| name == "JSC_useJIT");
        assert!(!set.iter().any(|(name, _)| *name == "JSC_useJIT"));
        assert_eq!(set.len(), SWITCHES.len() - 1);
    }

    #[test]
    fn all_switches_are_set_on_a_plain_start() {
        assert_eq!(missing(|_| false), SWITCHES.to_vec());
    }
}
