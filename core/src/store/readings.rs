//! Stored measurements: insert (one or a batch, each with its judgement and
//! its outbox row in the same transaction; training never queued;
//! de-duplicated by identifier), and read back by kind and time. A reading
//! keeps who took it, with the reference of a relative the service knows
//! (schema v9), and whether a nurse has seen it (`seen`).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{outbox, Store, StoreError};
use crate::vocabulary::{
    ComponentValue, Decimal, Judgement, Meal, Measurement, MeasurementKind, NotJudged, ShownValue, Special,
};
pub use crate::vocabulary::{EnteredBy, Recorder};

/// A measurement and how it was entered, ready to store.
#[derive(Debug, Clone)]
pub struct NewReading<'a> {
    pub measurement: &'a Measurement,
    pub entered_by: EnteredBy,
    /// A relative the service knows, by its reference.
    pub relative: Option<&'a str>,
    /// Typed in by hand rather than received from a device.
    pub manual: bool,
    pub received_at: Timestamp,
    /// The plan version that judged it and its judgement, stored in the
    /// same transaction; none: no plan had come yet.
    pub judged: Option<(u32, &'a Judgement)>,
}

impl<'a> NewReading<'a> {
    /// A device reading not judged against a plan (the demo's history,
    /// tests), received at `received_at`.
    pub fn unjudged(measurement: &'a Measurement, entered_by: EnteredBy, received_at: Timestamp) -> NewReading<'a> {
        NewReading { measurement, entered_by, relative: None, manual: false, received_at, judged: None }
    }
}

/// What happened to one reading on insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Inserted {
    /// Stored and durable, with this row id.
    New { id: i64 },
    /// The same reading (same identifier) was already stored.
    Duplicate { id: i64 },
}

/// A component as stored (owned strings, exact decimal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredComponent {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<Special>,
    pub unit: String,
}

impl StoredComponent {
    /// The value as the screens show it; `None` when it is absent.
    pub fn shown(&self) -> Option<ShownValue> {
        let value = self.value.clone()?;
        Some(ShownValue { code: self.code.clone(), value, unit: self.unit.clone() })
    }

    /// The exact decimal, when there is a value.
    pub fn decimal(&self) -> Option<Decimal> {
        self.value.as_deref().and_then(|v| v.parse().ok())
    }
}

/// A measurement as read back from the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredReading {
    pub id: i64,
    pub identifier: String,
    pub kind: MeasurementKind,
    pub code: String,
    pub effective: Timestamp,
    pub device_time: Option<String>,
    pub received: Timestamp,
    pub components: Vec<StoredComponent>,
    pub manual: bool,
    pub device_id: Option<String>,
    pub entered_by: EnteredBy,
    pub plan_version: Option<i64>,
    pub colour: Option<String>,
    /// The judgement made when it was recorded: what every screen shows.
    pub judgement: Judgement,
    /// Whether the follow-up service has it (`None` for training readings,
    /// which are never sent).
    pub sent: Option<bool>,
    /// When a nurse at the service saw it, if the service has said so.
    pub seen: Option<Seen>,
    /// The relative who took it, when the service knows them (reference).
    pub relative: Option<String>,
    /// A blood sugar's meal context, when the meter or the patient said it.
    pub meal: Option<Meal>,
}

/// The service's word that a nurse has seen an item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Seen {
    pub at: Timestamp,
    /// The nurse's name, when the service gave one.
    pub by: Option<String>,
}

fn kind_name(kind: MeasurementKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).expect("kind serialises to a string")
}

fn components_json(m: &Measurement) -> String {
    let stored: Vec<StoredComponent> = m
        .components
        .iter()
        .map(|c| {
            let (value, absent) = match c.value {
                ComponentValue::Value(d) => (Some(d.to_string()), None),
                ComponentValue::Absent(s) => (None, Some(s)),
            };
            StoredComponent { code: c.code.to_string(), value, absent, unit: c.unit.to_string() }
        })
        .collect();
    serde_json::to_string(&stored).expect("components serialise")
}

fn insert_one(tx: &rusqlite::Transaction<'_>, r: &NewReading<'_>) -> Result<Inserted, StoreError> {
    let m = r.measurement;
    let existing: Option<i64> = tx
        .query_row("SELECT id FROM measurement WHERE identifier = ?1", [&m.identifier], |row| row.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(Inserted::Duplicate { id });
    }
    tx.execute(
        "INSERT INTO measurement (identifier, kind, code, effective_utc, device_time, received_utc, components,
                                  source, device_id, entered_by, plan_version, colour, relative, judgement, meal)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            m.identifier,
            kind_name(m.kind),
            m.code,
            m.effective.as_millisecond(),
            m.device_time.map(|t| t.to_string()),
            r.received_at.as_millisecond(),
            components_json(m),
            if r.manual { "manual" } else { "device" },
            (!r.manual).then_some(&m.device_id),
            r.entered_by.as_str(),
            r.judged.map(|(version, _)| version),
            r.judged.map(|(_, j)| j.as_str()),
            r.relative,
            r.judged.map(|(_, j)| serde_json::to_string(j).expect("a judgement serialises")),
            m.meal.map(Meal::as_str),
        ],
    )?;
    let id = tx.last_insert_rowid();
    if r.entered_by != EnteredBy::NurseTraining {
        outbox::enqueue(tx, "Observation", id, &m.identifier, r.received_at)?;
    }
    Ok(Inserted::New { id })
}

/// The judgement as stored: none without a plan version (recorded before
/// any plan came); a row from before schema 10 has only its colour.
pub(crate) fn stored_judgement(plan_version: Option<i64>, colour: Option<&str>, judgement: Option<&str>) -> Judgement {
    if plan_version.is_none() {
        return Judgement::NotJudged(NotJudged::NoPlan);
    }
    // One row that does not read never hides the others: it falls back
    // to its colour.
    if let Some(Ok(judged)) = judgement.map(serde_json::from_str::<Judgement>) {
        return judged;
    }
    match colour.and_then(crate::vocabulary::Colour::parse) {
        Some(colour) => Judgement::Judged { colour, causes: vec![] },
        None => Judgement::NotJudged(NotJudged::NoLimits),
    }
}

impl Store {
    /// Stores one reading durably (with its outbox row) and says whether it
    /// was new.
    pub fn insert_reading(&mut self, reading: &NewReading<'_>) -> Result<Inserted, StoreError> {
        Ok(self.insert_readings(std::slice::from_ref(reading))?[0])
    }

    /// Stores a batch in one transaction: all durable, or none.
    pub fn insert_readings(&mut self, readings: &[NewReading<'_>]) -> Result<Vec<Inserted>, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let results = readings.iter().map(|r| insert_one(&tx, r)).collect::<Result<Vec<_>, _>>()?;
        tx.commit()?;
        Ok(results)
    }

    /// Readings of one kind taken in `[from, to)`, oldest first.
    pub fn readings(
        &self,
        kind: MeasurementKind,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<StoredReading>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.identifier, m.code, m.effective_utc, m.device_time, m.received_utc, m.components,
                    m.source, m.device_id, m.entered_by, m.plan_version, m.colour, o.sent_utc IS NOT NULL, o.id IS NOT NULL,
                    a.seen_utc, a.seen_by, m.relative, m.judgement, m.meal
             FROM measurement m
             LEFT JOIN outbox o ON o.resource_type = 'Observation' AND o.local_id = m.id
             LEFT JOIN acknowledgement a ON a.identifier = m.identifier
             WHERE m.kind = ?1 AND m.effective_utc >= ?2 AND m.effective_utc < ?3
             ORDER BY m.effective_utc",
        )?;
        let rows = stmt.query_map(params![kind_name(kind), from.as_millisecond(), to.as_millisecond()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, String>(9)?,
                row.get::<_, Option<i64>>(10)?,
                row.get::<_, Option<String>>(11)?,
                row.get::<_, bool>(12)?,
                row.get::<_, bool>(13)?,
                row.get::<_, Option<i64>>(14)?,
                row.get::<_, Option<String>>(15)?,
                row.get::<_, Option<String>>(16)?,
                row.get::<_, Option<String>>(17)?,
                row.get::<_, Option<String>>(18)?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (
                id,
                identifier,
                code,
                effective,
                device_time,
                received,
                components,
                source,
                device_id,
                entered_by,
                plan_version,
                colour,
                sent,
                queued,
                seen_at,
                seen_by,
                relative,
                judgement,
                meal,
            ) = row?;
            let time = |ms: i64| Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()));
            out.push(StoredReading {
                id,
                identifier,
                kind,
                code,
                effective: time(effective)?,
                device_time,
                received: time(received)?,
                components: serde_json::from_str(&components).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                manual: source == "manual",
                device_id,
                entered_by: EnteredBy::parse(&entered_by)
                    .ok_or_else(|| StoreError::Corrupt(format!("entered_by {entered_by:?}")))?,
                judgement: stored_judgement(plan_version, colour.as_deref(), judgement.as_deref()),
                plan_version,
                colour,
                sent: queued.then_some(sent),
                seen: seen_at.map(|ms| Ok::<_, StoreError>(Seen { at: time(ms)?, by: seen_by })).transpose()?,
                relative,
                // Only this app writes it; a value it does not know reads
                // as "not said" rather than hiding the reading.
                meal: meal.as_deref().and_then(Meal::parse),
            });
        }
        Ok(out)
    }

    /// Number of stored readings (all kinds).
    pub fn reading_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM measurement", [], |r| r.get(0))?)
    }

    /// Whether a reading with this identifier is stored.
    pub fn has_reading(&self, identifier: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM measurement WHERE identifier = ?1", [identifier], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

impl Store {
    /// One stored reading by row id (for the sync client).
    pub fn reading_by_id(&self, id: i64) -> Result<Option<StoredReading>, StoreError> {
        let kind: Option<String> =
            self.conn().query_row("SELECT kind FROM measurement WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let Some(kind) = kind else { return Ok(None) };
        let kind: MeasurementKind =
            serde_json::from_value(serde_json::Value::String(kind)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let effective: i64 =
            self.conn().query_row("SELECT effective_utc FROM measurement WHERE id = ?1", [id], |r| r.get(0))?;
        let at = Timestamp::from_millisecond(effective).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let next = at.checked_add(jiff::SignedDuration::from_millis(1)).unwrap_or(at);
        Ok(self.readings(kind, at, next)?.into_iter().find(|r| r.id == id))
    }
}

#[cfg(test)]
mod judgement_tests {
    use super::*;
    use crate::vocabulary::Colour;

    /// Before any plan: not judged, whatever else the row says; a row from
    /// before schema 10, or one whose judgement does not read, falls back
    /// to its colour, so one bad row never hides the others.
    #[test]
    fn a_stored_judgement_reads_back_or_falls_back_to_its_colour() {
        let green = Judgement::Judged { colour: Colour::Green, causes: vec![] };
        let cases = [
            (None, Some("red"), None, Judgement::NotJudged(NotJudged::NoPlan)),
            (Some(1), Some("green"), None, green.clone()),
            (Some(1), Some("green"), Some("{not json"), green),
            (Some(1), Some("not-judged"), Some("[]"), Judgement::NotJudged(NotJudged::NoLimits)),
            (
                Some(1),
                Some("yellow"),
                Some(r#"{"result":"not-judged","reason":"outside-bands","code":"x"}"#),
                Judgement::NotJudged(NotJudged::OutsideBands { code: "x".into() }),
            ),
        ];
        for (version, colour, json, expected) in cases {
            assert_eq!(stored_judgement(version, colour, json), expected, "{version:?} {colour:?} {json:?}");
        }
    }
}
