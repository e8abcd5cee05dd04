//! The outbox: what must still reach the follow-up service, with attempts,
//! the last error and when to try next. Rows are added in the same
//! transaction as what they send; the sync client drains them.
//!
//! Also whose data this is (schema v4: `person_key`, and `outbox.person` set
//! when an item is queued; only the current person's items are due),
//! [`Store::begin_service`] (a hand-over to a new service, for the same
//! person only — the same service reference or the same national identity
//! number, else refused: history kept, waiting items and paired devices go
//! to the new service, polling restarts), what is unsent by kind, giving it
//! up at the end, and the download watermark's key.

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

/// What has not reached the service yet, by kind (for ending the
/// follow-up: the nurse sees it before anything is given up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Unsent {
    pub readings: i64,
    pub answers: i64,
    pub messages: i64,
    /// Devices and notices to the service.
    pub other: i64,
}

impl Unsent {
    pub fn total(&self) -> i64 {
        self.readings + self.answers + self.messages + self.other
    }
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
        "INSERT INTO outbox (resource_type, local_id, identifier, created_utc, next_try_utc, person)
         VALUES (?1, ?2, ?3, ?4, ?4, (SELECT value FROM setting WHERE key = 'person'))
         ON CONFLICT (identifier) DO NOTHING",
        params![resource_type, local_id, identifier, now.as_millisecond()],
    )?;
    Ok(())
}

/// Queues a notice to the service (no health data), e.g. that the local
/// database was damaged and quarantined.
pub(crate) fn enqueue_notice(conn: &Connection, event: &str, now: Timestamp) -> Result<String, StoreError> {
    let identifier = format!("notice/{event}/{}", now.as_millisecond());
    conn.execute(
        "INSERT INTO outbox (resource_type, identifier, created_utc, next_try_utc, person)
         VALUES ('Communication', ?1, ?2, ?2, (SELECT value FROM setting WHERE key = 'person'))
         ON CONFLICT (identifier) DO NOTHING",
        params![identifier, now.as_millisecond()],
    )?;
    Ok(identifier)
}

/// Queues a paired device's `Device` resource (identifier `device/<id>`);
/// pairing it again does not queue it twice.
pub(crate) fn enqueue_device(conn: &Connection, device_id: &str, now: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO outbox (resource_type, identifier, created_utc, next_try_utc, person)
         VALUES ('Device', ?1, ?2, ?2, (SELECT value FROM setting WHERE key = 'person'))
         ON CONFLICT (identifier) DO NOTHING",
        params![format!("device/{device_id}"), now.as_millisecond()],
    )?;
    Ok(())
}

/// Setting: the tablet's EUI-64 as the PHD guide's gateway (made once).
pub const GATEWAY_SETTING: &str = "gateway.eui64";
/// Setting: the app version the gateway `Device` was last queued with.
pub const GATEWAY_VERSION_SETTING: &str = "gateway.version";
/// The outbox identifier of the gateway's `Device`.
pub const GATEWAY_ITEM: &str = "gateway";

/// Setting naming the service the outbox sends to (its FHIR base and patient).
pub const SERVICE_SETTING: &str = "sync.service";
/// Setting: outbox items with ids up to this were queued before the app's
/// identifier systems got their canonical names (schema v5).
pub const NAMED_BEFORE_SETTING: &str = "outbox.named-before";

/// Setting: the app's number of the first plan from the service the tablet
/// follows now (plans before it came from an earlier one); none: every plan
/// is this service's.
pub const FIRST_PLAN_SETTING: &str = "sync.first-plan";

/// Setting naming the person whose follow-up this store holds.
pub const PERSON_SETTING: &str = "person";

/// Who a service says its patient is: its own reference, and the national
/// identity number (`<system>|<value>`) when the service gave one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ServicePatient<'a> {
    pub fhir_base: &'a str,
    /// `Patient/<id>` on that service.
    pub patient: &'a str,
    pub national_id: Option<&'a str>,
}

impl std::fmt::Debug for ServicePatient<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicePatient").field("fhir_base", &self.fhir_base).finish_non_exhaustive()
    }
}

impl ServicePatient<'_> {
    fn service_key(&self) -> String {
        format!("service:{}|{}", self.fhir_base, self.patient)
    }

    fn national_key(&self) -> Option<String> {
        self.national_id.map(|id| format!("national:{id}"))
    }
}

/// The person this store holds, if `who` is them; `None` for a store
/// that holds no one yet; refused when `who` is someone else or cannot be
/// told apart from someone else (see [`Store::begin_service`]).
fn person_of(conn: &Connection, who: &ServicePatient) -> Result<Option<String>, StoreError> {
    use crate::error::ErrorCode;
    use rusqlite::OptionalExtension;
    let current: Option<String> =
        conn.query_row("SELECT value FROM setting WHERE key = ?1", [PERSON_SETTING], |r| r.get(0)).optional()?;
    let Some(current) = current else { return Ok(None) };
    let person_of_key = |key: &str| {
        conn.query_row("SELECT person FROM person_key WHERE key = ?1", [key], |r| r.get::<_, String>(0)).optional()
    };
    let national_numbers: Vec<String> = conn
        .prepare("SELECT key FROM person_key WHERE person = ?1 AND key LIKE 'national:%'")?
        .query_map([&current], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let by_service = person_of_key(&who.service_key())?;
    let by_number = who.national_key().map(|k| person_of_key(&k)).transpose()?.flatten();
    let conflicting_number =
        who.national_key().is_some_and(|k| !national_numbers.is_empty() && !national_numbers.contains(&k));
    if conflicting_number {
        return Err(StoreError::Invalid(ErrorCode::EnrolOtherPerson));
    }
    match by_service.or(by_number) {
        Some(person) if person == current => Ok(Some(current)),
        Some(_) => Err(StoreError::Invalid(ErrorCode::EnrolOtherPerson)),
        None => Err(StoreError::Invalid(ErrorCode::EnrolPersonUnconfirmed)),
    }
}

impl Store {
    /// The service the outbox sends to now ([`SERVICE_SETTING`]); a round
    /// compares it with the one it began with, to stop at a hand-over.
    pub fn service_followed(&self) -> Result<Option<String>, StoreError> {
        self.setting(SERVICE_SETTING)
    }

    /// Checks, without changing anything, that `who` is the person this
    /// store holds (or that it holds no one yet); see [`Store::begin_service`].
    pub fn check_person(&self, who: &ServicePatient) -> Result<(), StoreError> {
        person_of(self.conn(), who).map(|_| ())
    }

    /// Starts sending to a (new) follow-up service, as at a hand-over from
    /// hospital to municipality — for the same person only. The store
    /// holds one person's follow-up: a service's patient is that person
    /// when the service's reference is one they were known by, or when
    /// both services gave the same national identity number. Another
    /// person is refused (`enrol-other-person`); a person the new service
    /// does not name is refused too (`enrol-person-unconfirmed`): the
    /// follow-up must be ended first. For the same person, local history
    /// stays; what is still waiting goes to the new service, without what
    /// the earlier service's plans name ([`Store::plan_of_this_service`]);
    /// the paired devices are announced to it again; polling starts from
    /// scratch.
    /// Returns true if the service changed. Enrolling again with the same
    /// service changes nothing.
    pub fn begin_service(&mut self, who: &ServicePatient, now: Timestamp) -> Result<bool, StoreError> {
        use rusqlite::OptionalExtension;
        let tx = self.conn_mut().transaction()?;
        let keys: Vec<String> = std::iter::once(who.service_key()).chain(who.national_key()).collect();
        let person = match person_of(&tx, who)? {
            Some(person) => person,
            None => {
                // The store's first person: what was queued before (notices
                // only; a store never enrolled holds nothing of anyone's) is theirs.
                let person = who.service_key();
                tx.execute("UPDATE outbox SET person = ?1 WHERE person IS NULL", [&person])?;
                person
            }
        };
        for key in &keys {
            tx.execute(
                "INSERT INTO person_key (key, person, added_utc) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING",
                params![key, person, now.as_millisecond()],
            )?;
        }
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![PERSON_SETTING, person],
        )?;
        let name = format!("{} {}", who.fhir_base, who.patient);
        let same_service: bool = tx
            .query_row("SELECT value = ?2 FROM setting WHERE key = ?1", params![SERVICE_SETTING, name], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if same_service {
            tx.commit()?;
            return Ok(false);
        }
        tx.execute(
            "UPDATE outbox SET sent_utc = NULL, attempts = 0, last_error = NULL, next_try_utc = ?1 WHERE resource_type = 'Device'",
            [now.as_millisecond()],
        )?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SERVICE_SETTING, name],
        )?;
        tx.execute("DELETE FROM setting WHERE key = ?1", [DOWNLOADED_UNTIL])?;
        // A refusal of the earlier service's plan is not asked of this one.
        tx.execute("DELETE FROM setting WHERE key = ?1", [super::PLAN_REFUSED])?;
        // What the earlier service's plans name stays with it.
        tx.execute(
            "INSERT INTO setting (key, value) SELECT ?1, COALESCE(MAX(version), 0) + 1 FROM care_plan WHERE true
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [FIRST_PLAN_SETTING],
        )?;
        tx.execute(
            "INSERT INTO sync_audit (at_utc, direction, event, identifier, detail) VALUES (?1, 'local', 'service-changed', NULL, ?2)",
            params![now.as_millisecond(), who.fhir_base],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Keeps the app's identity as the PHD guide's gateway: its EUI-64,
    /// made from `eui64` the first time (kept after that), and its
    /// `Device` queued (again) when `version` is not the one it was last
    /// queued with. A hand-over sends it anew with the paired devices.
    /// Returns the EUI-64.
    pub fn announce_gateway(&mut self, eui64: &str, version: &str, now: Timestamp) -> Result<String, StoreError> {
        use rusqlite::OptionalExtension;
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            params![GATEWAY_SETTING, eui64],
        )?;
        let kept: String = tx.query_row("SELECT value FROM setting WHERE key = ?1", [GATEWAY_SETTING], |r| r.get(0))?;
        let announced: Option<String> = tx
            .query_row("SELECT value FROM setting WHERE key = ?1", [GATEWAY_VERSION_SETTING], |r| r.get(0))
            .optional()?;
        if announced.as_deref() != Some(version) {
            tx.execute(
                "INSERT INTO outbox (resource_type, identifier, created_utc, next_try_utc, person)
                 VALUES ('Device', ?1, ?2, ?2, (SELECT value FROM setting WHERE key = 'person'))
                 ON CONFLICT (identifier) DO UPDATE SET sent_utc = NULL, attempts = 0, last_error = NULL,
                   next_try_utc = excluded.next_try_utc",
                params![GATEWAY_ITEM, now.as_millisecond()],
            )?;
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![GATEWAY_VERSION_SETTING, version],
            )?;
        }
        tx.commit()?;
        Ok(kept)
    }

    /// The tablet's EUI-64 as the gateway, once made.
    pub fn gateway_eui64(&self) -> Result<Option<String>, StoreError> {
        self.setting(GATEWAY_SETTING)
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
             FROM outbox WHERE sent_utc IS NULL AND next_try_utc <= ?1
               AND person IS (SELECT value FROM setting WHERE key = 'person')
             ORDER BY id LIMIT ?2",
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

    /// When the earliest unsent item of the current person is due (it may
    /// be now or past), or `None` when nothing waits.
    pub fn outbox_next_try(&self) -> Result<Option<Timestamp>, StoreError> {
        let next: Option<i64> = self.conn().query_row(
            "SELECT min(next_try_utc) FROM outbox WHERE sent_utc IS NULL
               AND person IS (SELECT value FROM setting WHERE key = 'person')",
            [],
            |r| r.get(0),
        )?;
        next.map(ts).transpose().map_err(StoreError::from)
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

    /// Outbox items with ids up to this were queued under the earlier
    /// identifier names ([`NAMED_BEFORE_SETTING`]); 0 for none.
    pub fn named_before(&self) -> Result<i64, StoreError> {
        Ok(self.setting(NAMED_BEFORE_SETTING)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// What still waits to be sent, by kind.
    pub fn unsent(&self) -> Result<Unsent, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE resource_type = 'Observation'),
                    count(*) FILTER (WHERE resource_type = 'QuestionnaireResponse'),
                    count(*) FILTER (WHERE resource_type = 'Communication' AND local_id IS NOT NULL),
                    count(*) FILTER (WHERE resource_type NOT IN ('Observation', 'QuestionnaireResponse')
                                       AND NOT (resource_type = 'Communication' AND local_id IS NOT NULL))
             FROM outbox WHERE sent_utc IS NULL",
            [],
            |r| Ok(Unsent { readings: r.get(0)?, answers: r.get(1)?, messages: r.get(2)?, other: r.get(3)? }),
        )?)
    }

    /// The follow-up ends without sending what still waits (the nurse said
    /// so): those items leave the outbox, the local audit keeps how many,
    /// and a notice to the service says so (a count, no health data).
    /// Returns what was given up.
    pub fn give_up_unsent(&mut self, now: Timestamp) -> Result<Unsent, StoreError> {
        let unsent = self.unsent()?;
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM outbox WHERE sent_utc IS NULL", [])?;
        tx.execute(
            "INSERT INTO sync_audit (at_utc, direction, event, identifier, detail) VALUES (?1, 'local', 'given-up', NULL, ?2)",
            params![now.as_millisecond(), unsent.total().to_string()],
        )?;
        enqueue_notice(&tx, &format!("follow-up-ended-{}-unsent", unsent.total()), now)?;
        tx.commit()?;
        Ok(unsent)
    }

    pub fn outbox_status(&self) -> Result<OutboxStatus, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FILTER (WHERE sent_utc IS NULL), count(*) FILTER (WHERE sent_utc IS NOT NULL) FROM outbox",
            [],
            |r| Ok(OutboxStatus { waiting: r.get(0)?, sent: r.get(1)? }),
        )?)
    }
}
