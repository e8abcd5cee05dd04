//! Where the enrolment with the follow-up service (its addresses and the
//! OAuth tokens) is kept: one entry in the OS keyring. When the store key
//! comes from a file (`HEIMA_KEY_FILE`, tests and headless machines), the
//! enrolment sits next to it in `<key file>.service.json` (mode 0600).

use std::{fs, path::PathBuf};

use heima_core::{
    app::SecretError,
    atomic_file::{self, Access},
    enrolment::Enrolment,
};

use crate::store_key::KEY_FILE_ENV;

const KEYRING_SERVICE: &str = "no.heima.app";
const KEYRING_USER: &str = "service-enrolment";

fn file() -> Option<PathBuf> {
    std::env::var_os(KEY_FILE_ENV).map(|p| {
        let mut name = PathBuf::from(p).into_os_string();
        name.push(".service.json");
        PathBuf::from(name)
    })
}

fn secret_error(e: impl std::fmt::Display) -> SecretError {
    SecretError { detail: e.to_string() }
}

/// The saved enrolment, if any.
pub fn load() -> Result<Option<Enrolment>, SecretError> {
    let text = match file() {
        Some(path) => match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(secret_error(e)),
        },
        None => {
            let entry = keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).map_err(secret_error)?;
            match entry.get_password() {
                Ok(text) => text,
                Err(keyring::Error::NoEntry) => return Ok(None),
                Err(e) => return Err(secret_error(e)),
            }
        }
    };
    serde_json::from_str(&text).map(Some).map_err(secret_error)
}

/// Saves (replaces) the enrolment.
pub fn save(enrolment: &Enrolment) -> Result<(), SecretError> {
    let text = serde_json::to_string(enrolment).map_err(secret_error)?;
    match file() {
        Some(path) => atomic_file::write(&path, text.as_bytes(), Access::OwnerOnly).map_err(secret_error),
        None => keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER)
            .and_then(|entry| entry.set_password(&text))
            .map_err(secret_error),
    }
}
