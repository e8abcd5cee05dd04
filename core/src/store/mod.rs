//! The encrypted local store: everything the patient records lives here
//! first. SQLite with SQLCipher (rusqlite), WAL journal and `synchronous =
//! FULL`, so a write is durable when the call returns — only then is a
//! reading acknowledged to the UI. A leaf: it knows the shared vocabulary
//! and nothing of FHIR, sync or what a plan means (`tests/tidy` keeps this).
//!
//! The key comes from the shell (the OS keyring, or a file the tests name);
//! a fingerprint of it beside the database tells a wrong key (refused, file
//! untouched) from a damaged file (moved aside into `quarantine/`, never
//! deleted, and reported to the user and the service). The start-up check
//! runs once per start ([`Store::open`]; other connections use
//! [`Store::connect_again`]); the busy timeout comes first, so a file that
//! is only locked is never taken for damage.

pub mod acknowledgements;
pub mod appointments;
pub mod devices;
pub mod medicines;
pub mod messages;
mod migrations;
pub mod open_results;
pub mod outbox;
pub mod photos;
pub mod plans;
pub mod readings;
pub mod responses;

use std::{
    fs,
    path::{Path, PathBuf},
};

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use migrations::{LATEST as SCHEMA_VERSION, MIGRATIONS};

/// A 256-bit SQLCipher key. The caller supplies the random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<StoreKey> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(StoreKey(out))
    }

    /// A value that identifies the key without revealing it.
    fn fingerprint(&self) -> String {
        let digest = Sha256::new().chain_update(b"heima-store-key-check-v1").chain_update(self.0).finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Why the store could not be used. `code()` is what the UI words.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database key does not match this database")]
    WrongKey,
    #[error("the database was written by a newer version of Heima (schema {found}, this version knows {supported})")]
    NewerVersion { found: u32, supported: u32 },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// What was to be stored was refused; the code says why.
    #[error("refused: {0}")]
    Invalid(crate::error::ErrorCode),
}

/// A store failure as the UI hears of it: its code, and the message as detail.
impl From<StoreError> for crate::error::CoreError {
    fn from(e: StoreError) -> Self {
        crate::error::CoreError::new(e.code(), e.to_string())
    }
}

impl StoreError {
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            StoreError::WrongKey => crate::error::ErrorCode::StoreWrongKey,
            StoreError::NewerVersion { .. } => crate::error::ErrorCode::StoreNewerVersion,
            StoreError::Sqlite(_) | StoreError::Io(_) => crate::error::ErrorCode::StoreFailed,
            StoreError::Corrupt(_) => crate::error::ErrorCode::StoreCorrupt,
            StoreError::Invalid(code) => *code,
        }
    }
}

/// Something that happened while opening that the user must be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "notice", rename_all = "kebab-case")]
pub enum StoreNotice {
    /// The database was damaged; it was moved to `moved_to` and a new, empty
    /// one was started.
    Quarantined { moved_to: PathBuf, reason: String },
}

/// The open store.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

/// The setting that remembers the last plan refused
/// ([`plans::RefusedPlan`]); a hand-over clears it (it was the earlier
/// service's plan).
pub(crate) const PLAN_REFUSED: &str = "plan.refused";

/// The result of [`Store::open`].
pub struct Opened {
    pub store: Store,
    pub notices: Vec<StoreNotice>,
}

fn keycheck_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".keycheck");
    path.with_file_name(name)
}

fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(suffix);
            path.with_file_name(name)
        })
        .collect()
}

/// How long a connection waits for another one's lock before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn connect(path: &Path, key: &StoreKey) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    // First: a file another connection holds locked is busy, not damaged.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

fn apply_key(conn: &Connection, key: &StoreKey) -> Result<(), rusqlite::Error> {
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex()))
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: every commit is on disk before the call returns.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// What the start-up check found.
enum Health {
    Sound,
    /// Not a database, or not ours, or `quick_check` found damage.
    Damaged(String),
    /// Locked, out of memory, an I/O error: try later, touch nothing.
    Unavailable(rusqlite::Error),
}

/// Does the first read of the file succeed, and does `quick_check` pass?
fn health(conn: &Connection) -> Health {
    use rusqlite::ErrorCode as Sqlite;
    let damage = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(Sqlite::NotADatabase | Sqlite::DatabaseCorrupt) => Health::Damaged(e.to_string()),
        _ => Health::Unavailable(e),
    };
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return damage(e);
    }
    match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(result) if result == "ok" => Health::Sound,
        Ok(result) => Health::Damaged(result),
        Err(e) => damage(e),
    }
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up
    /// to date. `now` names the quarantine folder if the file is damaged.
    pub fn open(path: &Path, key: &StoreKey, now: Timestamp) -> Result<Opened, StoreError> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let check = keycheck_path(path);
        let known_key = match fs::read_to_string(&check) {
            Ok(stored) if stored.trim() == key.fingerprint() => true,
            Ok(_) => return Err(StoreError::WrongKey),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e.into()),
        };
        let existed = path.exists();
        let mut notices = vec![];
        let mut conn = connect(path, key)?;
        if existed {
            // A damaged file is looked at twice before it is moved aside.
            let mut verdict = health(&conn);
            if matches!(verdict, Health::Damaged(_)) {
                drop(conn);
                std::thread::sleep(std::time::Duration::from_millis(200));
                conn = connect(path, key)?;
                verdict = health(&conn);
            }
            match verdict {
                Health::Sound => {}
                Health::Unavailable(e) => return Err(e.into()),
                Health::Damaged(_) if !known_key => {
                    // Without a fingerprint we cannot tell damage from a wrong
                    // key, so touch nothing.
                    return Err(StoreError::WrongKey);
                }
                Health::Damaged(reason) => {
                    drop(conn);
                    let moved_to = quarantine(path, now)?;
                    notices.push(StoreNotice::Quarantined { moved_to, reason });
                    conn = connect(path, key)?;
                }
            }
        }
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        if !known_key {
            crate::atomic_file::write(&check, key.fingerprint().as_bytes(), crate::atomic_file::Access::OwnerOnly)?;
        }
        let store = Store { conn, path: Some(path.to_path_buf()) };
        for notice in &notices {
            let StoreNotice::Quarantined { reason, .. } = notice;
            store.audit(now, "local", "store-quarantined", None, Some(reason))?;
            outbox::enqueue_notice(&store.conn, "store-quarantined", now)?;
        }
        Ok(Opened { store, notices })
    }

    /// Whether `key` may open the database at `path`: its key check names
    /// this key, or there is no key check to tell (only that file is read;
    /// the database is not touched).
    pub fn key_may_open(path: &Path, key: &StoreKey) -> bool {
        match fs::read_to_string(keycheck_path(path)) {
            Ok(stored) => stored.trim() == key.fingerprint(),
            Err(_) => true,
        }
    }

    /// Another connection to a store that [`Store::open`] has opened (and
    /// checked and migrated) in this run: no health check, no quarantine,
    /// no migration — the start-up check runs once per start.
    pub fn connect_again(path: &Path, key: &StoreKey) -> Result<Store, StoreError> {
        match fs::read_to_string(keycheck_path(path)) {
            Ok(stored) if stored.trim() == key.fingerprint() => {}
            Ok(_) => return Err(StoreError::WrongKey),
            Err(e) => return Err(e.into()),
        }
        let conn = connect(path, key)?;
        configure(&conn)?;
        Ok(Store { conn, path: Some(path.to_path_buf()) })
    }

    /// One setting read out of a database moved to quarantine (damaged:
    /// its other pages may not read), read-only and without the checks of
    /// [`Store::open`]; `None` when it is not there or does not read.
    pub fn setting_in_damaged(path: &Path, key: &StoreKey, name: &str) -> Option<String> {
        use rusqlite::OptionalExtension;
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .ok()?;
        apply_key(&conn, key).ok()?;
        conn.query_row("SELECT value FROM setting WHERE key = ?1", [name], |r| r.get(0)).optional().ok()?
    }

    /// An encrypted in-memory store, for tests and the demo.
    pub fn open_in_memory(key: &StoreKey) -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        apply_key(&conn, key)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn, path: None })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrations::version(&self.conn)
    }

    /// `PRAGMA integrity_check`; `Ok(())` when the answer is "ok".
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let result: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(result))
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Adds a line to the sync audit trail (no health data in `detail`).
    pub fn audit(
        &self,
        at: Timestamp,
        direction: &str,
        event: &str,
        identifier: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sync_audit (at_utc, direction, event, identifier, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![at.as_millisecond(), direction, event, identifier, detail],
        )?;
        Ok(())
    }

    /// Whether a database file is at `path` (whether it opens or not).
    pub fn exists_at(path: &Path) -> bool {
        path.exists()
    }

    /// The schema as `(type, name, sql)` rows, for comparing databases.
    pub fn schema(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Folds the WAL into the main file (tests use it to damage the file).
    #[doc(hidden)]
    pub fn conn_checkpoint_for_tests(&self) {
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A stored UTC millisecond count as a `Timestamp`, inside a row mapper.
pub(crate) fn ts(ms: i64) -> rusqlite::Result<Timestamp> {
    Timestamp::from_millisecond(ms)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e)))
}

/// Moves the database and its WAL files to `quarantine/<time>/`.
fn quarantine(path: &Path, now: Timestamp) -> Result<PathBuf, StoreError> {
    let dir =
        path.parent().unwrap_or(Path::new(".")).join("quarantine").join(now.strftime("%Y%m%dT%H%M%SZ").to_string());
    fs::create_dir_all(&dir)?;
    for file in sidecars(path) {
        if file.exists() {
            fs::rename(&file, dir.join(file.file_name().unwrap()))?;
        }
    }
    Ok(dir.join(path.file_name().unwrap()))
}
