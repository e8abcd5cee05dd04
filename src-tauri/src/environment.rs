//! The only reader of `HEIMA_*` variables in the shell. A debug build (the
//! tests and development) reads them all: the core's [`Variable`]s and the
//! shell's own [`ShellVariable`]s. A release build reads none, so nothing in
//! a patient's environment changes what the app does; only a release built
//! with the `startup-bench` feature (for `bench/cold_start.sh`, never
//! packaged) reads the three the bench needs. The nurse code is taken out of
//! the environment at start in every build, so that no program the app
//! starts (the login browser) inherits it; a release build also takes out
//! `SSL_CERT_FILE` and `SSL_CERT_DIR` ([`removed_at_start`]).

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
    /// Write what "Les opp" would say to this file instead (`speech.rs`).
    SpeechLog,
}

impl ShellVariable {
    /// Its name in the environment.
    pub fn name(self) -> &'static str {
        match self {
            ShellVariable::DataDir => "HEIMA_DATA_DIR",
            ShellVariable::KeyFile => "HEIMA_KEY_FILE",
            ShellVariable::MeasureStartup => "HEIMA_MEASURE_STARTUP",
            ShellVariable::PanicForTest => "HEIMA_PANIC_FOR_TEST",
            ShellVariable::SpeechLog => "HEIMA_SPEECH_LOG",
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

/// Which build this is, for [`removed_at_start`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    Debug,
    Release,
}

impl Build {
    pub const THIS: Build = if cfg!(debug_assertions) { Build::Debug } else { Build::Release };
}

/// The variables taken out of the environment at start: the nurse code
/// (so no program the app starts inherits it), and in a release build the
/// ones that would let a local user add a certificate authority to whom
/// the app trusts (rustls-platform-verifier's loader reads them). A
/// hospital's own CA belongs in the machine's store. Proxies are still
/// honoured (networks that need one); TLS runs through them end to end.
pub fn removed_at_start(build: Build) -> Vec<&'static str> {
    let mut names = vec![Variable::NurseCode.name()];
    if build == Build::Release {
        names.extend(["SSL_CERT_FILE", "SSL_CERT_DIR"]);
    }
    names
}

/// Takes the secrets and what must not change the app out of the
/// environment ([`removed_at_start`]). Call first thing in `main`, while
/// the process has one thread (changing the environment is not safe with
/// threads that may read it).
pub fn take_secrets() {
    let name = Variable::NurseCode.name();
    let _ = NURSE_CODE.set(std::env::var(name).ok());
    for name in removed_at_start(Build::THIS) {
        std::env::remove_var(name);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A release build reads no `HEIMA_*` variable, and takes out the ones
    /// that would widen whom TLS trusts; a debug build keeps them (the TLS
    /// tests give their CA that way).
    #[test]
    fn a_release_build_reads_no_heima_variable_and_trusts_only_the_machines_store() {
        let release = removed_at_start(Build::Release);
        assert!(["HEIMA_NURSE_CODE", "SSL_CERT_FILE", "SSL_CERT_DIR"].iter().all(|n| release.contains(n)));
        assert_eq!(removed_at_start(Build::Debug), ["HEIMA_NURSE_CODE"]);
        if Build::THIS == Build::Release {
            for v in
                [ShellVariable::DataDir, ShellVariable::KeyFile, ShellVariable::PanicForTest, ShellVariable::SpeechLog]
            {
                assert!(cfg!(feature = "startup-bench") || !v.read_in_this_build(), "{v:?}");
            }
        }
    }
}
