//! Schema migrations, in one place. Each step is a `.sql` file under `sql/`
//! (`000N_*.sql`), and steps are only appended; `PRAGMA user_version` says
//! how many have run. A database from a newer app version is refused before
//! anything is written to it. Every shipped schema is frozen under
//! `core/tests/schemas/` and must upgrade to the newest (`tests/store.rs`).

use rusqlite::Connection;

use super::StoreError;

/// The migrations in order; index + 1 is the schema version they produce.
pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/0001_initial.sql"),
    include_str!("sql/0002_devices.sql"),
    include_str!("sql/0003_questionnaires.sql"),
    include_str!("sql/0004_person.sql"),
    include_str!("sql/0005_named_before.sql"),
    include_str!("sql/0006_device_info.sql"),
    include_str!("sql/0007_message_author.sql"),
    include_str!("sql/0008_acknowledgement.sql"),
    include_str!("sql/0009_known_relative.sql"),
    include_str!("sql/0010_judgement.sql"),
    include_str!("sql/0011_result_read.sql"),
    include_str!("sql/0012_meal_and_medicines.sql"),
    include_str!("sql/0013_scheduled_doses.sql"),
    include_str!("sql/0014_appointments.sql"),
    include_str!("sql/0015_photos.sql"),
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Brings the database to [`LATEST`], one transaction per step.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(StoreError::NewerVersion { found, supported: LATEST });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
