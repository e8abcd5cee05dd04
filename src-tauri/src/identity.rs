//! The app's identifier (`no.heima.patient`, as in `tauri.conf.json`) and
//! the move from the one before.
//!
//! Heima was `no.heima.app` until the identifier had to stop ending in
//! `.app` (the Tauri bundler refuses it on macOS). The identifier names the
//! data folder and the keyring entries, so at the first start under the new
//! one, before the webview starts, the old data folder is renamed to the new
//! name; the keyring's secrets are copied to the new service name, then
//! removed from the old one, tried at every start until none is left (a
//! locked keyring moves nothing, and the end refuses to remove data an old
//! key might still open: `end-old-key-waits`). Nothing is lost on the way:
//! a folder is only renamed (one step on one file system, never over data
//! already there), never copied; a secret is removed from the old entry
//! only when the new entry reads back the same, and an old entry whose new
//! one holds another value (both folders kept) stays.

use std::{io, path::Path};

/// The app's identifier, as in `tauri.conf.json` (a test checks they agree).
pub const IDENTIFIER: &str = "no.heima.patient";
/// The identifier before.
pub const OLD_IDENTIFIER: &str = "no.heima.app";

/// What the start found of the old data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderMove {
    /// There is no old folder.
    NoOldFolder,
    /// The old folder now has the new name.
    Moved,
    /// Both hold data: the new one is used, the old one left untouched
    /// (and said in the log) for a person to look at.
    BothKept,
}

/// Renames `old` to `new` unless `new` already holds something.
pub fn move_data_folder(old: &Path, new: &Path) -> io::Result<FolderMove> {
    if !old.is_dir() {
        return Ok(FolderMove::NoOldFolder);
    }
    if new.exists() {
        if std::fs::read_dir(new)?.next().is_some() {
            return Ok(FolderMove::BothKept);
        }
        std::fs::remove_dir(new)?;
    }
    std::fs::rename(old, new)?;
    Ok(FolderMove::Moved)
}

/// The keyring as the move needs it: a secret by service and user.
pub trait Secrets {
    type Error: std::fmt::Display;
    fn get(&self, service: &str, user: &str) -> Result<Option<String>, Self::Error>;
    fn set(&self, service: &str, user: &str, secret: &str) -> Result<(), Self::Error>;
    fn delete(&self, service: &str, user: &str) -> Result<(), Self::Error>;
}

/// Moves each of `users`' secrets from the old service name to the new
/// one; returns how many moved. The old entry is removed only once the new
/// one reads back the same. When the new name already holds another value
/// (both data folders kept), both stay: the old one may be the only key to
/// the old folder's data.
pub fn move_secrets<S: Secrets>(secrets: &S, users: &[&str]) -> Result<usize, S::Error> {
    let mut moved = 0;
    for user in users {
        let Some(old) = secrets.get(OLD_IDENTIFIER, user)? else { continue };
        match secrets.get(IDENTIFIER, user)? {
            Some(new) if new != old => continue,
            Some(_) => {}
            None => {
                secrets.set(IDENTIFIER, user, &old)?;
                if secrets.get(IDENTIFIER, user)?.as_deref() != Some(old.as_str()) {
                    continue;
                }
                moved += 1;
            }
        }
        secrets.delete(OLD_IDENTIFIER, user)?;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use std::{cell::RefCell, collections::BTreeMap};

    use super::*;

    #[test]
    fn the_identifier_is_the_one_tauri_builds_with() {
        let conf: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], IDENTIFIER);
        assert!(!IDENTIFIER.ends_with(".app"), "the bundler refuses an identifier ending in .app");
    }

    #[test]
    fn the_old_folder_is_renamed_once_and_never_over_new_data() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join(OLD_IDENTIFIER), root.path().join(IDENTIFIER));
        assert_eq!(move_data_folder(&old, &new).unwrap(), FolderMove::NoOldFolder);
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("heima.db"), b"old").unwrap();
        std::fs::create_dir(&new).unwrap(); // made empty by an earlier start
        assert_eq!(move_data_folder(&old, &new).unwrap(), FolderMove::Moved);
        assert_eq!(std::fs::read(new.join("heima.db")).unwrap(), b"old");
        assert!(!old.exists());
        assert_eq!(move_data_folder(&old, &new).unwrap(), FolderMove::NoOldFolder, "once");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("heima.db"), b"other").unwrap();
        assert_eq!(move_data_folder(&old, &new).unwrap(), FolderMove::BothKept);
        assert_eq!(std::fs::read(new.join("heima.db")).unwrap(), b"old", "new data is never replaced");
        assert_eq!(std::fs::read(old.join("heima.db")).unwrap(), b"other", "nor the old removed");
    }

    #[derive(Default)]
    struct Map(RefCell<BTreeMap<(String, String), String>>);

    impl Secrets for Map {
        type Error = String;
        fn get(&self, service: &str, user: &str) -> Result<Option<String>, String> {
            Ok(self.0.borrow().get(&(service.into(), user.into())).cloned())
        }
        fn set(&self, service: &str, user: &str, secret: &str) -> Result<(), String> {
            self.0.borrow_mut().insert((service.into(), user.into()), secret.into());
            Ok(())
        }
        fn delete(&self, service: &str, user: &str) -> Result<(), String> {
            self.0.borrow_mut().remove(&(service.into(), user.into()));
            Ok(())
        }
    }

    /// A keyring locked at one start (every call fails) keeps the old
    /// secrets where they are; the next start moves them.
    #[test]
    fn a_locked_keyring_moves_nothing_and_the_next_start_does() {
        struct Locked<'a>(&'a Map, bool);
        impl Secrets for Locked<'_> {
            type Error = String;
            fn get(&self, service: &str, user: &str) -> Result<Option<String>, String> {
                if self.1 {
                    return Err("locked".into());
                }
                self.0.get(service, user)
            }
            fn set(&self, service: &str, user: &str, secret: &str) -> Result<(), String> {
                if self.1 {
                    return Err("locked".into());
                }
                self.0.set(service, user, secret)
            }
            fn delete(&self, service: &str, user: &str) -> Result<(), String> {
                if self.1 {
                    return Err("locked".into());
                }
                self.0.delete(service, user)
            }
        }
        let map = Map::default();
        map.set(OLD_IDENTIFIER, "store-key", "k1").unwrap();
        assert!(move_secrets(&Locked(&map, true), &["store-key"]).is_err());
        assert_eq!(map.get(OLD_IDENTIFIER, "store-key").unwrap().as_deref(), Some("k1"), "kept where it was");
        assert_eq!(move_secrets(&Locked(&map, false), &["store-key"]).unwrap(), 1);
        assert_eq!(map.get(IDENTIFIER, "store-key").unwrap().as_deref(), Some("k1"));
    }

    #[test]
    fn secrets_move_to_the_new_name_and_leave_the_old() {
        let map = Map::default();
        map.set(OLD_IDENTIFIER, "store-key", "k1").unwrap();
        map.set(OLD_IDENTIFIER, "service-enrolment", "e-old").unwrap();
        map.set(IDENTIFIER, "service-enrolment", "e-new").unwrap();
        assert_eq!(move_secrets(&map, &["store-key", "service-enrolment"]).unwrap(), 1);
        assert_eq!(map.get(IDENTIFIER, "store-key").unwrap().as_deref(), Some("k1"));
        assert_eq!(map.get(IDENTIFIER, "service-enrolment").unwrap().as_deref(), Some("e-new"), "newer kept");
        assert_eq!(
            map.get(OLD_IDENTIFIER, "service-enrolment").unwrap().as_deref(),
            Some("e-old"),
            "another value under the old name is never removed"
        );
        assert_eq!(map.get(OLD_IDENTIFIER, "store-key").unwrap(), None, "a moved one is gone from the old name");
        assert_eq!(move_secrets(&map, &["store-key", "service-enrolment"]).unwrap(), 0, "once");
        // The same value under both names: the old entry goes.
        map.set(OLD_IDENTIFIER, "store-key", "k1").unwrap();
        assert_eq!(move_secrets(&map, &["store-key"]).unwrap(), 0);
        assert_eq!(map.get(OLD_IDENTIFIER, "store-key").unwrap(), None);
    }
}
