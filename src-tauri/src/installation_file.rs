//! Where the installation's configuration file lives and reading it: the
//! system-wide file an administrator installs, then the user's own, whose
//! personal preferences replace it key by key (the core reads and merges
//! them, and decides what the user's file may set:
//! `heima_core::app::Installation`). A missing file is no problem.

use std::path::PathBuf;

use heima_core::{
    app::{ConfigFile, ConfigSource, Installation},
    error::CoreError,
};

/// The system-wide file: `/etc/heima/config.toml` on Linux,
/// `/Library/Application Support/Heima/config.toml` on macOS,
/// `C:\ProgramData\Heima\config.toml` on Windows.
pub fn system_path() -> PathBuf {
    if cfg!(target_os = "windows") {
        // Not `%ProgramData%`: the user can set that variable, and the
        // system file must be the administrator's.
        PathBuf::from(r"C:\ProgramData\Heima\config.toml")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/Heima/config.toml")
    } else {
        PathBuf::from("/etc/heima/config.toml")
    }
}

/// The user's file: `~/.config/heima/config.toml` on Linux (or under
/// `XDG_CONFIG_HOME`), the platform's config folder elsewhere.
pub fn user_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("heima").join("config.toml"))
}

/// Reads both files, the system-wide one at `system` (its place:
/// [`system_path`]); problems (a file that cannot be read or parsed, a key
/// the user's file may not set) come back to be told, and those values are
/// not used.
pub fn read(system: PathBuf) -> (Installation, Vec<CoreError>) {
    let mut texts = vec![];
    let places = [(ConfigSource::System, Some(system)), (ConfigSource::User, user_path())];
    for (source, path) in places.into_iter().filter_map(|(source, path)| Some((source, path?))) {
        match std::fs::read_to_string(&path) {
            Ok(text) => texts.push((source, path.display().to_string(), text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("{} not read: {e}", path.display()),
        }
    }
    let files: Vec<ConfigFile> =
        texts.iter().map(|(source, name, text)| ConfigFile { source: *source, name, text }).collect();
    let (installation, problems) = Installation::from_files(&files);
    for p in &problems {
        log::warn!("configuration: {}", p.detail);
    }
    (installation, problems)
}
