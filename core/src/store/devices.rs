//! The registry of paired devices: what the nurse paired, the last record
//! sequence number fetched (never lowered, so stored records arrive once),
//! when each was last seen, its battery and what it told of itself.
//! Forgetting keeps the row for history.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{ts, Store, StoreError};

pub use crate::vocabulary::DeviceInfo;
use crate::vocabulary::HealthService;

/// A paired device as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairedDevice {
    pub id: String,
    /// The health service it was paired for (kept as 4 hex digits, `1810`).
    pub service: HealthService,
    pub name: String,
    pub paired: Timestamp,
    pub last_sequence: Option<u16>,
    pub last_seen: Option<Timestamp>,
    pub battery_percent: Option<u8>,
    pub info: DeviceInfo,
}

impl Store {
    /// Adds (or re-pairs) a device.
    /// The service hears of it through the outbox (a FHIR `Device`).
    pub fn pair_device(&self, id: &str, service: HealthService, name: &str, now: Timestamp) -> Result<(), StoreError> {
        let tx = self.conn().unchecked_transaction()?;
        tx.execute(
            "INSERT INTO device (id, service, name, paired_utc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET service = excluded.service, name = excluded.name,
                 paired_utc = excluded.paired_utc, forgotten_utc = NULL, replaced_by = NULL",
            params![id, service.hex(), name, now.as_millisecond()],
        )?;
        super::outbox::enqueue_device(&tx, id, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Paired devices that are not forgotten, by name.
    pub fn paired_devices(&self) -> Result<Vec<PairedDevice>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, service, name, paired_utc, last_sequence, last_seen_utc, battery_percent,
                    manufacturer, model, serial
             FROM device WHERE forgotten_utc IS NULL ORDER BY name, id",
        )?;
        let rows = stmt.query_map([], |r| {
            let service: String = r.get(1)?;
            // Only health services are paired since they are typed; a row
            // from before with another service (a device that listed one
            // first) stays where it is, and the nurse pairs the device again.
            let Some(service) = HealthService::from_hex(&service) else {
                log::warn!("a paired device without a health service is left out; pair it again");
                return Ok(None);
            };
            Ok(Some(PairedDevice {
                id: r.get(0)?,
                service,
                name: r.get(2)?,
                paired: ts(r.get(3)?)?,
                last_sequence: r.get(4)?,
                last_seen: r.get::<_, Option<i64>>(5)?.map(ts).transpose()?,
                battery_percent: r.get(6)?,
                info: DeviceInfo { manufacturer: r.get(7)?, model: r.get(8)?, serial: r.get(9)? },
            }))
        })?;
        Ok(rows.filter_map(Result::transpose).collect::<Result<_, _>>()?)
    }

    pub fn paired_device(&self, id: &str) -> Result<Option<PairedDevice>, StoreError> {
        Ok(self.paired_devices()?.into_iter().find(|d| d.id == id))
    }

    /// Records a contact: when, the battery if read, and the highest
    /// sequence number now stored (never lowered).
    pub fn device_seen(
        &self,
        id: &str,
        now: Timestamp,
        battery_percent: Option<u8>,
        last_sequence: Option<u16>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE device SET last_seen_utc = ?2,
                 battery_percent = coalesce(?3, battery_percent),
                 last_sequence = CASE WHEN ?4 IS NULL THEN last_sequence
                                      WHEN last_sequence IS NULL OR ?4 > last_sequence THEN ?4
                                      ELSE last_sequence END
             WHERE id = ?1",
            params![id, now.as_millisecond(), battery_percent, last_sequence],
        )?;
        Ok(())
    }

    /// Keeps what a device said of itself. When that is news, its `Device`
    /// is queued again so the service hears it (sent as an update).
    pub fn device_info_seen(&self, id: &str, info: &DeviceInfo, now: Timestamp) -> Result<bool, StoreError> {
        if *info == DeviceInfo::default() {
            return Ok(false);
        }
        let tx = self.conn().unchecked_transaction()?;
        let changed = tx.execute(
            "UPDATE device SET manufacturer = ?2, model = ?3, serial = ?4
             WHERE id = ?1 AND (manufacturer IS NOT ?2 OR model IS NOT ?3 OR serial IS NOT ?4)",
            params![id, info.manufacturer, info.model, info.serial],
        )?;
        if changed == 1 {
            tx.execute(
                "UPDATE outbox SET sent_utc = NULL, attempts = 0, last_error = NULL, next_try_utc = ?2
                 WHERE resource_type = 'Device' AND identifier = ?1",
                params![format!("device/{id}"), now.as_millisecond()],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    /// Forgets a device, optionally naming the one that replaces it. Its
    /// readings stay.
    pub fn forget_device(&self, id: &str, replaced_by: Option<&str>, now: Timestamp) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE device SET forgotten_utc = ?2, replaced_by = ?3 WHERE id = ?1 AND forgotten_utc IS NULL",
            params![id, now.as_millisecond(), replaced_by],
        )?;
        Ok(changed == 1)
    }

    /// The last sequence number stored for a device, even a forgotten one.
    pub fn device_last_sequence(&self, id: &str) -> Result<Option<u16>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT last_sequence FROM device WHERE id = ?1", [id], |r| r.get::<_, Option<u16>>(0))
            .optional()?
            .flatten())
    }
}
