//! The operating system, as the core's [`Platform`] sees it. The one
//! secret, the store key, lives in the OS keyring (Secret Service on Linux,
//! Credential Manager on Windows), created on first use and removed again
//! when the follow-up ends; the enrolment with its tokens lives in the
//! encrypted store. Earlier versions kept the enrolment in the keyring too
//! (too big for Credential Manager's 2,560 bytes): that copy is read once,
//! for the core to move, and then removed. Tests (debug builds only) name a
//! key file with `HEIMA_KEY_FILE` instead (a key file others may read is
//! refused; mode 0600); an earlier version's enrolment sat next to it in
//! `<key file>.service.json`. Nothing falls back to a file silently: only
//! demo mode may, and the core decides that. Settings go to
//! `settings.json` (`settings_file.rs`); randomness comes from the OS.

use std::{
    fs,
    path::{Path, PathBuf},
};

use heima_core::{
    app::{Platform, SecretError},
    atomic_file::{self, Access},
    clock::{Clock, SinceBoot, SystemClock},
    enrolment::Enrolment,
    error::{CoreError, ErrorCode},
    settings::Settings,
    store::StoreKey,
};

use crate::{identity::Secrets, settings_file};

/// The real clock, with the tablet's boot clock: on Linux
/// `CLOCK_BOOTTIME` (it runs on while the tablet sleeps, and nobody can set
/// it) with the kernel's boot id; elsewhere each run of the app counts as
/// a start of its own (a kept wait starts over).
pub struct OsClock;

impl Clock for OsClock {
    fn now(&self) -> jiff::Timestamp {
        SystemClock.now()
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        SystemClock.time_zone()
    }
    fn since_boot(&self) -> SinceBoot {
        #[cfg(target_os = "linux")]
        if let Ok(boot) = fs::read_to_string("/proc/sys/kernel/random/boot_id") {
            let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
            let elapsed = std::time::Duration::new(t.tv_sec.max(0) as u64, t.tv_nsec.clamp(0, 999_999_999) as u32);
            return SinceBoot { boot: boot.trim().to_string(), elapsed };
        }
        SystemClock.since_boot()
    }
}

const KEYRING_SERVICE: &str = crate::identity::IDENTIFIER;

/// The platform of a Tauri app whose data lives in `data_dir`.
pub struct OsPlatform {
    pub data_dir: PathBuf,
}

/// A secret in the keyring: the store key, and the enrolment an earlier
/// version kept there (only read, to be moved, and removed).
#[derive(Debug, Clone, Copy)]
enum Secret {
    StoreKey,
    Enrolment,
}

impl Secret {
    fn keyring_user(self) -> &'static str {
        match self {
            Secret::StoreKey => "store-key",
            Secret::Enrolment => "service-enrolment",
        }
    }
}

/// Android has no keyring yet (keyring v3 has no backend there; the plan is
/// a Tauri plugin over Android Keystore, `docs/platforms.md`): every secret
/// is refused with a reason, so a real store cannot be opened and the
/// screens say the key is unavailable.
#[cfg(target_os = "android")]
mod keyring {
    #[derive(Debug)]
    pub enum Error {
        NoEntry,
        NoStore,
    }
    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("no secret store on Android yet")
        }
    }
    pub struct Entry;
    impl Entry {
        pub fn new(_service: &str, _user: &str) -> Result<Entry, Error> {
            Err(Error::NoStore)
        }
        pub fn get_password(&self) -> Result<String, Error> {
            Err(Error::NoEntry)
        }
        pub fn set_password(&self, _secret: &str) -> Result<(), Error> {
            Err(Error::NoStore)
        }
        pub fn delete_credential(&self) -> Result<(), Error> {
            Err(Error::NoEntry)
        }
    }
}

fn secret_error(e: impl std::fmt::Display) -> SecretError {
    SecretError { detail: e.to_string() }
}

fn keyring_entry(secret: Secret) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(KEYRING_SERVICE, secret.keyring_user()).map_err(secret_error)
}

/// The OS keyring by service and user: the app's secrets, and the move
/// from the old identifier. A secret that is not there is `None`, and
/// removing one that is not there is fine.
pub struct Keyring;

impl Secrets for Keyring {
    type Error = keyring::Error;
    fn get(&self, service: &str, user: &str) -> Result<Option<String>, keyring::Error> {
        match keyring::Entry::new(service, user)?.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn set(&self, service: &str, user: &str, secret: &str) -> Result<(), keyring::Error> {
        keyring::Entry::new(service, user)?.set_password(secret)
    }
    fn delete(&self, service: &str, user: &str) -> Result<(), keyring::Error> {
        match keyring::Entry::new(service, user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Moves the secrets kept under the old identifier to the new one; tried at
/// every start until nothing is left there (a keyring locked at one start
/// is tried again at the next); with a key file (tests) there is nothing in
/// the keyring to move.
pub fn move_old_secrets() {
    if key_file().is_some() {
        return;
    }
    let users = [Secret::StoreKey.keyring_user(), Secret::Enrolment.keyring_user()];
    match crate::identity::move_secrets(&Keyring, &users) {
        Ok(0) => {}
        Ok(n) => log::info!("moved {n} secrets to the new identifier"),
        Err(e) => log::warn!("secrets under the old identifier not moved: {e}"),
    }
}

/// Removes a secret from the keyring, under the app's identifier and the
/// one before (an old entry the move kept: the end leaves none behind);
/// one that is not there is fine.
fn delete_keyring(secret: Secret) -> Result<(), SecretError> {
    Keyring.delete(KEYRING_SERVICE, secret.keyring_user()).map_err(secret_error)?;
    Keyring.delete(crate::identity::OLD_IDENTIFIER, secret.keyring_user()).map_err(secret_error)
}

/// Removes a file; one that is not there is fine.
fn delete_file(path: &Path) -> Result<(), SecretError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(secret_error(e)),
        _ => Ok(()),
    }
}

/// A secret's text from the keyring, if it is there.
fn read_keyring(secret: Secret) -> Result<Option<String>, SecretError> {
    Keyring.get(KEYRING_SERVICE, secret.keyring_user()).map_err(secret_error)
}

/// A secret's text from a file, if it is there.
fn read_file(path: &Path) -> Result<Option<String>, SecretError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(secret_error(e)),
    }
}

/// The key file named by `HEIMA_KEY_FILE`: only in debug builds (the
/// ones the tests use); a release build always uses the keyring.
fn key_file() -> Option<PathBuf> {
    crate::environment::shell_variable(crate::environment::ShellVariable::KeyFile).map(PathBuf::from)
}

fn enrolment_file(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".service.json");
    PathBuf::from(name)
}

fn parse_key(text: &str) -> Result<StoreKey, SecretError> {
    StoreKey::from_hex(text).ok_or_else(|| secret_error("the stored text does not hold a key"))
}

fn new_key() -> Result<StoreKey, SecretError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| secret_error(format!("no randomness: {e}")))?;
    Ok(StoreKey::from_bytes(bytes))
}

/// A key file others may read is refused: the key is not a secret any more.
/// (On Unix by its mode; elsewhere the folder's ACL decides, unchecked.)
fn check_private(path: &Path) -> Result<(), SecretError> {
    #[cfg(not(unix))]
    let _ = path;
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(secret_error(format!("{} may be read by others (must be 0600)", path.display())));
        }
    }
    Ok(())
}

/// Reads the key from `path`, creating it (mode 0600) when missing (demo
/// mode without a keyring).
fn key_from_file(path: &Path) -> Result<StoreKey, SecretError> {
    check_private(path)?;
    match read_file(path)? {
        Some(text) => parse_key(&text),
        None => {
            let key = new_key()?;
            atomic_file::write(path, key.to_hex().as_bytes(), Access::OwnerOnly).map_err(secret_error)?;
            Ok(key)
        }
    }
}

impl Platform for OsPlatform {
    fn load_store_key(&self) -> Result<Option<StoreKey>, SecretError> {
        let text = match key_file() {
            Some(path) => {
                log::info!("store key from the file named by HEIMA_KEY_FILE");
                check_private(&path)?;
                read_file(&path)?
            }
            None => read_keyring(Secret::StoreKey)?,
        };
        text.as_deref().map(parse_key).transpose()
    }
    fn create_store_key(&self) -> Result<StoreKey, SecretError> {
        let key = new_key()?;
        match key_file() {
            Some(path) => {
                atomic_file::write(&path, key.to_hex().as_bytes(), Access::OwnerOnly).map_err(secret_error)?
            }
            None => keyring_entry(Secret::StoreKey)?.set_password(&key.to_hex()).map_err(secret_error)?,
        }
        Ok(key)
    }
    fn store_key_in_file(&self, path: &Path) -> Result<StoreKey, SecretError> {
        key_from_file(path)
    }
    fn old_enrolment(&self) -> Result<Option<Enrolment>, SecretError> {
        let text = match key_file() {
            Some(key_file) => read_file(&enrolment_file(&key_file))?,
            None => read_keyring(Secret::Enrolment)?,
        };
        // serde's message may quote a value (a token): only where it broke.
        let unreadable = |e: serde_json::Error| {
            secret_error(format!("the old enrolment does not read ({:?} at {}:{})", e.classify(), e.line(), e.column()))
        };
        text.map(|t| serde_json::from_str(&t).map_err(unreadable)).transpose()
    }
    fn forget_store_key(&self) -> Result<(), SecretError> {
        match key_file() {
            Some(path) => delete_file(&path),
            None => delete_keyring(Secret::StoreKey),
        }
    }
    fn forget_old_enrolment(&self) -> Result<(), SecretError> {
        match key_file() {
            Some(key_file) => delete_file(&enrolment_file(&key_file)),
            None => delete_keyring(Secret::Enrolment),
        }
    }
    fn old_store_key(&self) -> Result<Option<StoreKey>, SecretError> {
        if key_file().is_some() {
            return Ok(None);
        }
        let user = Secret::StoreKey.keyring_user();
        Keyring.get(crate::identity::OLD_IDENTIFIER, user).map_err(secret_error)?.map(|t| parse_key(&t)).transpose()
    }
    fn save_settings(&self, settings: &Settings) -> Result<(), CoreError> {
        settings_file::save(&self.data_dir, settings)
    }
    fn fill_random(&self, bytes: &mut [u8]) -> Result<(), CoreError> {
        getrandom::fill(bytes).map_err(|e| CoreError::new(ErrorCode::StoreKeyUnavailable, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On Linux the boot clock is the kernel's: one boot id for every run
    /// of the app, and a time at least as long as this process has run.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_boot_clock_is_the_kernels_and_runs_on() {
        let started = std::time::Instant::now();
        let (a, b) = (OsClock.since_boot(), OsClock.since_boot());
        let kernel = fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap();
        assert_eq!((a.boot.as_str(), b.boot.as_str()), (kernel.trim(), kernel.trim()));
        assert!(b.elapsed >= a.elapsed && a.elapsed >= started.elapsed());
        let uptime: f64 = fs::read_to_string("/proc/uptime").unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(a.elapsed.as_secs_f64() + 1.0 >= uptime, "since the boot, not since the process started");
    }

    #[test]
    fn key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/key");
        let a = key_from_file(&path).unwrap();
        assert_eq!(key_from_file(&path).unwrap(), a);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        fs::write(&path, "not a key").unwrap();
        assert!(key_from_file(&path).unwrap_err().detail.contains("does not hold a key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(key_from_file(&path).unwrap_err().detail.contains("must be 0600"));
        }
    }
}
