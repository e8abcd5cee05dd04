//! Reads and writes `settings.json` (mode 0600: it names the service) in
//! the app's data folder. Writes are
//! atomic (`heima_core::atomic_file`), so a crash leaves either the old
//! or the new file. A file that cannot be read is kept aside, never deleted.

use std::{
    fs,
    path::{Path, PathBuf},
};

use heima_core::{
    atomic_file::{self, Access},
    error::{CoreError, ErrorCode},
    settings::Settings,
};

const FILE: &str = "settings.json";

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Loads the settings, or `new_tablet` when there are none yet (or they
/// cannot be read). A broken file is renamed to
/// `settings.json.unreadable-<n>` and reported.
pub fn load(dir: &Path, new_tablet: Settings) -> (Settings, Option<CoreError>) {
    let file = path(dir);
    let text = match fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (new_tablet, None),
        Err(e) => return (new_tablet, Some(CoreError::new(ErrorCode::SettingsUnreadable, e.to_string()))),
    };
    match Settings::from_json(&text) {
        Ok(settings) => (settings, None),
        Err(error) => {
            let aside = (1..)
                .map(|n| dir.join(format!("{FILE}.unreadable-{n}")))
                .find(|p| !p.exists())
                .expect("some free name");
            if let Err(e) = fs::rename(&file, &aside) {
                log::warn!("could not move unreadable settings aside: {e}");
            }
            (new_tablet, Some(error))
        }
    }
}

/// Saves the settings durably.
pub fn save(dir: &Path, settings: &Settings) -> Result<(), CoreError> {
    atomic_file::write(&path(dir), settings.to_json().as_bytes(), Access::OwnerOnly)
        .map_err(|e| CoreError::new(ErrorCode::SettingsUnwritable, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use heima_core::locale::Locale;

    #[test]
    fn missing_file_gives_the_new_tablets_settings_without_notice() {
        let dir = tempfile::tempdir().unwrap();
        let new_tablet = Settings { locale: Locale::Nynorsk, ..Settings::default() };
        assert_eq!(load(dir.path(), new_tablet.clone()), (new_tablet, None));
    }

    #[test]
    fn saved_settings_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings { locale: Locale::Nynorsk, ..Settings::default() };
        save(&dir.path().join("nested"), &s).unwrap();
        assert_eq!(load(&dir.path().join("nested"), Settings::default()).0, s);
    }

    #[test]
    fn broken_file_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path()), "{oops").unwrap();
        let (settings, notice) = load(dir.path(), Settings::default());
        assert_eq!(settings, Settings::default());
        assert_eq!(notice.unwrap().code, "settings-unreadable");
        assert_eq!(fs::read_to_string(dir.path().join("settings.json.unreadable-1")).unwrap(), "{oops");
        assert!(!path(dir.path()).exists());
    }
}
