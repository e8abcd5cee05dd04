//! The only reader of `HEIMA_*` variables in the shell. A debug build (the
//! tests and development) reads them all: the core's [`Variable`]s and the
//! shell's own [`ShellVariable`]s. A release build reads none, so nothing in
//! a patient's environment changes what the app does; only a release built
//! with the `startup-bench` feature (for `bench/cold_start.sh`, never
//! packaged) reads the three the bench needs. The nurse code is taken out of
//! the environment at start in every build, so that no program the app
//! starts (the login browser) inherits it.

use std::{ffi::OsString, sync::OnceLock};

use heima_core::app::Variable;

/// The shell's own variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellVariable {
    /// Another data folder (tests start from a clean slate).
    DataDir,
    /// A key file instead of the keyring (a headless test has no keyring).
    KeyFile,
    /// Measure the start-up, print it and exit (`startup.rs`).
    MeasureStartup,
    /// Panic a thread after this many milliseconds (`crash.rs`).
    PanicForTest,
}

impl ShellVariable {
    /// Its name in the environment.
    pub fn name(self) -> &'static str {
        match self {
            ShellVariable::DataDir => "HEIMA_DATA_DIR",
            ShellVariable::KeyFile => "HEIMA_KEY_FILE",
            ShellVariable::MeasureStartup => "HEIMA_MEASURE_STARTUP",
            ShellVariable::PanicForTest => "HEIMA_PANIC_FOR_TEST",
        }
    }

    /// Whether this build reads it.
    fn read_in_this_build(self) -> bool {
        cfg!(debug_assertions)
            || (cfg!(feature = "startup-bench")
                && matches!(self, ShellVariable::DataDir | ShellVariable::KeyFile | ShellVariable::MeasureStartup))
    }
}

/// The shell's variable `v`, if this build reads it and it is set.
pub fn shell_variable(v: ShellVariable) -> Option<OsString> {
    if !v.read_in_this_build() {
        return None;
    }
    std::env::var_os(v.name()).filter(|value| !value.is_empty())
}

/// The nurse code from the environment, taken out of it at start.
static NURSE_CODE: OnceLock<Option<String>> = OnceLock::new();

/// Takes the secrets out of the environment. Call first thing in `main`,
/// while the process has one thread (changing the environment is not safe
/// with threads that may read it).
pub fn take_secrets() {
    let name = Variable::NurseCode.name();
    let _ = NURSE_CODE.set(std::env::var(name).ok());
    std::env::remove_var(name);
}

/// The core's variable `v` (debug builds only; the nurse code from where
/// [`take_secrets`] put it). A release build is set up by the
/// installation's configuration file alone.
pub fn variable(v: Variable) -> Option<String> {
    if !cfg!(debug_assertions) {
        return None;
    }
    match v {
        Variable::NurseCode => NURSE_CODE.get().cloned().flatten(),
        _ => std::env::var(v.name()).ok(),
    }
}
