//! Where the database key lives: the OS keyring (Secret Service on Linux),
//! created on first start. Tests and headless machines name a key file
//! explicitly with `HEIMA_KEY_FILE`; nothing falls back to a file silently
//! except demo mode, whose data is not real (see `lib.rs`).

use std::{
    fs,
    path::{Path, PathBuf},
};

use heima_core::{
    app::SecretError,
    atomic_file::{self, Access},
    store::StoreKey,
};

/// Environment variable naming a key file to use instead of the keyring.
pub const KEY_FILE_ENV: &str = "HEIMA_KEY_FILE";

const KEYRING_SERVICE: &str = "no.heima.app";
const KEYRING_USER: &str = "store-key";

/// Where a key came from, for the log (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Keyring,
    File(PathBuf),
}

fn secret_error(e: impl std::fmt::Display) -> SecretError {
    SecretError { detail: e.to_string() }
}

fn random_key() -> Result<StoreKey, SecretError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| secret_error(format!("no randomness: {e}")))?;
    Ok(StoreKey::from_bytes(bytes))
}

/// Reads the key from `path`, creating it (mode 0600) when missing.
pub fn from_file(path: &Path) -> Result<StoreKey, SecretError> {
    match fs::read_to_string(path) {
        Ok(text) => {
            StoreKey::from_hex(&text).ok_or_else(|| secret_error(format!("{} does not hold a key", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key()?;
            atomic_file::write(path, key.to_hex().as_bytes(), Access::OwnerOnly).map_err(secret_error)?;
            Ok(key)
        }
        Err(e) => Err(secret_error(e)),
    }
}

/// Reads the key from the OS keyring, creating it on first start.
pub fn from_keyring() -> Result<StoreKey, SecretError> {
    let entry = keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).map_err(secret_error)?;
    match entry.get_password() {
        Ok(hex) => StoreKey::from_hex(&hex).ok_or_else(|| secret_error("the keyring entry does not hold a key")),
        Err(keyring::Error::NoEntry) => {
            let key = random_key()?;
            entry.set_password(&key.to_hex()).map_err(secret_error)?;
            Ok(key)
        }
        Err(e) => Err(secret_error(e)),
    }
}

/// The key as configured: `HEIMA_KEY_FILE` if set, else the keyring.
pub fn load() -> Result<(StoreKey, KeySource), SecretError> {
    match std::env::var_os(KEY_FILE_ENV) {
        Some(path) => {
            let path = PathBuf::from(path);
            Ok((from_file(&path)?, KeySource::File(path)))
        }
        None => Ok((from_keyring()?, KeySource::Keyring)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/key");
        let a = from_file(&path).unwrap();
        assert_eq!(from_file(&path).unwrap(), a);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        fs::write(&path, "not a key").unwrap();
        assert!(from_file(&path).unwrap_err().detail.contains("does not hold a key"));
    }
}
