//! The outbox: what must still reach the follow-up service, with attempts,
//! the last error and when to try next. Rows are added in the same
//! transaction as what they send; the sync client drains them.

use jiff::Timestamp;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{ts, Store, StoreError};

/// Setting that remembers the newest `meta.lastUpdated` seen, for polling.
pub const DOWNLOADED_UNTIL: &str = "sync.downloaded-until";

/// One item waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    /// FHIR resource type to send (`Observation`, `Communication`, ...).
    pub resource_type: String,
    pub local_id: Option<i64>,
    pub identifier: String,
    pub created: Timestamp,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub next_try: Timestamp,
}

/// Counts for the "sent / waiting to send" display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    pub waiting: i64,
    pub sent: i64,
}

pub(crate) fn enqueue(
    conn: &Connection,
    resource_type: &str,
    local_id: i64,
    identifier: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (resource_type, local_id, identifier, created_utc, next_try_utc)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (identifier) DO NOTHING",
        params![resource_type, local_id, identifier, now.as_millisecond()],
    )?;
    Ok(())
}

/// Queues a notice to the service (no health data), e.g. that the local
/// database was damaged and quarantined.
pub(crate) fn enqueue_notice(conn: &Connection, event: &str, now: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (resource_type, identifier, created_utc, next_try_utc)
         VALUES ('Communication', ?1, ?2, ?2) ON CONFLICT (identifier) DO NOTHING",
        params![format!("notice/{event}/{}", now.as_millisecond()), now.as_millisecond()],
    )?;
    Ok(())
}

/// Queues a paired device's `Device` resource (identifier `device/<id>`);
/// pairing it again does not queue it twice.
pub(crate) fn enqueue_device(conn: &Connection, device_id: &str, now: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (resource_type, identifier, created_utc, next_try_utc)
         VALUES ('Device', ?1, ?2, ?2) ON CONFLICT (identifier) DO NOTHING",
        params![format!("device/{device_id}"), now.as_millisecond()],
    )?;
    Ok(())
}

/// Setting naming the service the outbox sends to (its FHIR base and patient).
pub const SERVICE_SETTING: &str = "sync.service";

impl Store {
    /// Starts sending to a (new) follow-up service, as at a hand-over from
    /// hospital to municipality. Local history stays; what is still waiting
    /// goes to the new service; the paired devices are announced to it
    /// again; polling starts from scratch. Returns true if the service
    /// changed. Enrolling again with the same service changes nothing.
    pub fn begin_service(&mut self, fhir_base: &str, patient: &str, now: Timestamp) -> Result<bool, StoreError> {
        let name = format!("{fhir_base} {patient}");
        if self.setting(SERVICE_SETTING)?.as_deref() == Some(name.as_str()) {
            return Ok(false);
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "UPDATE outbox SET sent_utc = NULL, attempts = 0, last_error = NULL, next_try_utc = ?1 WHERE resource_type = 'Device'",
            [now.as_millisecond()],
        )?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SERVICE_SETTING, name],
        )?;
        tx.execute("DELETE FROM setting WHERE key = ?1", [DOWNLOADED_UNTIL])?;
        tx.execute(
            "INSERT INTO sync_audit (at_utc, direction, event, identifier, detail) VALUES (?1, 'local', 'service-changed', NULL, ?2)",
            params![now.as_millisecond(), fhir_base],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Whether the outbox item for a local row has reached the service
    /// (`None` when there is no such item, e.g. training data).
    pub fn outbox_sent_for(&self, resource_type: &str, local_id: i64) -> Result<Option<bool>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT sent_utc IS NOT NULL FROM outbox WHERE resource_type = ?1 AND local_id = ?2",
                params![resource_type, local_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

impl Store {
    /// Items due at `now`, oldest first, at most `limit`.
    pub fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxItem>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, resource_type, local_id, identifier, created_utc, attempts, last_error, next_try_utc
             FROM outbox WHERE sent_utc IS NULL AND next_try_utc <= ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now.as_millisecond(), limit as i64], |r| {
            Ok(OutboxItem {
                id: r.get(0)?,
                resource_type: r.get(1)?,
                local_id: r.get(2)?,
                identifier: r.get(3)?,
                created: ts(r.get(4)?)?,
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                next_try: ts(r.get(7)?)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks items as received by the service.
    pub fn outbox_sent(&mut self, ids: &[i64], now: Timestamp) -> Result<(), StoreError> {
        let tx = self.conn_mut().transaction()?;
        for id in ids {
            tx.execute(
                "UPDATE outbox SET sent_utc = ?2, last_error = NULL WHERE id = ?1",
                params![id, now.as_millisecond()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub fn outbox_failed(&self, id: i64, error: &str, next_try: Timestamp) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_try_utc = ?3 WHERE id = ?1",
            params![id, error, next_try.as_millisecond()],
        )?;
        Ok(())
    }

    pub fn outbox_status(&self) -> Result<OutboxStatus, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE sent_utc IS NULL), count(*) FILTER (WHERE sent_utc IS NOT NULL) FROM outbox",
            [],
            |r| Ok(OutboxStatus { waiting: r.get(0)?, sent: r.get(1)? }),
        )?)
    }
}
