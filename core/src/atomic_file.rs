//! The one way Heima replaces a small file (settings, a key file, the
//! store's key fingerprint, the nurse code's hash): write a temporary file
//! beside it (owner-only for secrets), fsync it, rename it over the old
//! one, fsync the folder (on Unix; Windows journals the rename). A crash
//! leaves the old file or the new one, never half of either, and a
//! confirmed write survives a power cut. Reading such
//! a file back, and keeping the data folder private, are here too: with the
//! store and the ending, the only places the core touches files.

use std::{
    fs,
    io::{self, Write},
    path::Path,
};

/// Who may read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The process's default permissions (umask).
    Default,
    /// Only the owner (mode 0600 on Unix): keys and tokens.
    OwnerOnly,
}

/// Replaces `path`'s contents with `bytes` durably (creating its folder).
pub fn write(path: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp_name = path.file_name().ok_or_else(|| io::Error::other("no file name"))?.to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if access == Access::OwnerOnly {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    // Elsewhere the folder's own permissions decide: Windows' local app
    // data is the user's alone (its ACL is inherited by every file).
    #[cfg(not(unix))]
    let _ = access;
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    sync_folder(dir)
}

/// Makes a rename in `dir` durable. On Unix that is an fsync of the folder
/// itself. Windows cannot open a folder as a file (and refuses to flush
/// one); NTFS journals the rename as part of its metadata, so there is
/// nothing more to do.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    return fs::File::open(dir)?.sync_all();
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// A small file written here before, read whole; `None` when it is not
/// there or cannot be read.
pub fn read(path: &Path) -> Option<Vec<u8>> {
    fs::read(path).ok()
}

/// Makes the data folder private to the user: the folder (and any below
/// it) mode 0700, every file 0600 — the database, its WAL, the settings
/// (they name the service), quarantined copies. Checked at every start, so
/// files from an older version or a careless copy are mended too. On
/// Windows the local app data folder is already the user's alone (its ACL,
/// inherited by what is made in it), and there is nothing to mend.
pub fn keep_private(data_dir: &Path) {
    #[cfg(not(unix))]
    let _ = data_dir;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fn walk(dir: &Path) -> io::Result<()> {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    walk(&entry.path())?;
                } else if kind.is_file() {
                    fs::set_permissions(entry.path(), fs::Permissions::from_mode(0o600))?;
                }
            }
            Ok(())
        }
        if let Err(e) = fs::create_dir_all(data_dir).and_then(|()| walk(data_dir)) {
            log::warn!("data folder not made private: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/settings.json");
        write(&path, b"old", Access::Default).unwrap();
        write(&path, b"new", Access::Default).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["settings.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn owner_only_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for (access, private) in [(Access::OwnerOnly, true), (Access::Default, false)] {
            let path = dir.path().join(format!("{access:?}"));
            write(&path, b"secret", access).unwrap();
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode == 0o600, private, "{access:?}: {mode:o}");
        }
    }
}
