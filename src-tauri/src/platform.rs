//! The operating system, as the core's [`Platform`] sees it: the keyring
//! (or a named key file) for the store key and the enrolment, the settings
//! file, and the system's randomness.

use heima_core::error::ErrorCode;
use std::path::{Path, PathBuf};

use heima_core::{
    app::{Platform, SecretError},
    enrolment::Enrolment,
    error::CoreError,
    settings::Settings,
    store::StoreKey,
};

use crate::{service_secret, settings_file, store_key};

/// The platform of a Tauri app whose data lives in `data_dir`.
pub struct OsPlatform {
    pub data_dir: PathBuf,
}

impl Platform for OsPlatform {
    fn store_key(&self) -> Result<StoreKey, SecretError> {
        let (key, source) = store_key::load()?;
        log::info!("store key from {source:?}");
        Ok(key)
    }
    fn store_key_in_file(&self, path: &Path) -> Result<StoreKey, SecretError> {
        store_key::from_file(path)
    }
    fn load_enrolment(&self) -> Result<Option<Enrolment>, SecretError> {
        service_secret::load()
    }
    fn save_enrolment(&self, enrolment: &Enrolment) -> Result<(), SecretError> {
        service_secret::save(enrolment)
    }
    fn save_settings(&self, settings: &Settings) -> Result<(), CoreError> {
        settings_file::save(&self.data_dir, settings)
    }
    fn fill_random(&self, bytes: &mut [u8]) -> Result<(), CoreError> {
        getrandom::fill(bytes).map_err(|e| CoreError::new(ErrorCode::StoreKeyUnavailable, e.to_string()))
    }
}
