//! Medicines the patient says were taken: the plan's medicine for a
//! result's colour ("ved gul sone: start kuren", a reliever when yellow),
//! kept with the medicine as the plan named it then and the result whose
//! colour asked for it, queued for the service in the same transaction
//! (training never), once per result and medicine: saying it twice keeps
//! the first.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{outbox, readings::Inserted, ts, Store, StoreError};
use crate::vocabulary::{Colour, EnteredBy, Recorder};

/// What was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedicineTaken {
    /// The plan's medicine for a result's colour: a course started, or a
    /// dose of a reliever.
    ForColour,
}

impl MedicineTaken {
    pub fn as_str(self) -> &'static str {
        match self {
            MedicineTaken::ForColour => "for-colour",
        }
    }
}

/// One record to store.
#[derive(Debug, Clone)]
pub struct NewMedicineTaken<'a> {
    pub identifier: &'a str,
    pub what: MedicineTaken,
    /// The result's identifier (a reading's or answers') and its colour.
    pub for_result: &'a str,
    pub colour: Colour,
    /// The plan's id for the medicine.
    pub medicine: &'a str,
    pub name: &'a str,
    pub dosage: &'a [String],
    pub taken: Timestamp,
    pub by: &'a Recorder,
    pub plan_version: Option<i64>,
}

/// A record as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMedicineTaken {
    pub id: i64,
    pub identifier: String,
    pub what: MedicineTaken,
    pub for_result: String,
    pub colour: Colour,
    pub medicine: String,
    pub name: String,
    pub dosage: Vec<String>,
    pub taken: Timestamp,
    pub entered_by: EnteredBy,
    pub relative: Option<String>,
    pub plan_version: Option<i64>,
    /// Whether the service has it (`None`: training, never sent).
    pub sent: Option<bool>,
}

impl Store {
    /// Stores the record and queues it, unless this result's medicine is
    /// stored already (then that one stands).
    pub fn record_medicine_taken(&mut self, m: &NewMedicineTaken<'_>) -> Result<Inserted, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM medicine_taken WHERE for_result = ?1 AND medicine = ?2",
                [m.for_result, m.medicine],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Inserted::Duplicate { id });
        }
        tx.execute(
            "INSERT INTO medicine_taken (identifier, what, for_result, colour, medicine, name, dosage, taken_utc,
                                         entered_by, relative, plan_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                m.identifier,
                m.what.as_str(),
                m.for_result,
                m.colour.as_str(),
                m.medicine,
                m.name,
                serde_json::to_string(m.dosage).expect("text lines serialise"),
                m.taken.as_millisecond(),
                m.by.by.as_str(),
                m.by.relative,
                m.plan_version,
            ],
        )?;
        let id = tx.last_insert_rowid();
        if m.by.by != EnteredBy::NurseTraining {
            outbox::enqueue(&tx, "MedicationAdministration", id, m.identifier, m.taken)?;
        }
        tx.commit()?;
        Ok(Inserted::New { id })
    }

    /// Every record taken at or after `from`, oldest first.
    pub fn medicines_taken_since(&self, from: Timestamp) -> Result<Vec<StoredMedicineTaken>, StoreError> {
        self.medicines_taken_where("m.taken_utc >= ?1", params![from.as_millisecond()])
    }

    /// What was taken for one result (by its identifier).
    pub fn medicines_taken_for(&self, result: &str) -> Result<Vec<StoredMedicineTaken>, StoreError> {
        self.medicines_taken_where("m.for_result = ?1", params![result])
    }

    pub fn medicine_taken_by_id(&self, id: i64) -> Result<Option<StoredMedicineTaken>, StoreError> {
        Ok(self.medicines_taken_where("m.id = ?1", params![id])?.into_iter().next())
    }

    fn medicines_taken_where(
        &self,
        condition: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<StoredMedicineTaken>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT m.id, m.identifier, m.what, m.medicine, m.name, m.dosage, m.taken_utc, m.entered_by, m.relative,
                    m.plan_version, o.id IS NOT NULL, o.sent_utc IS NOT NULL, m.for_result, m.colour
             FROM medicine_taken m
             LEFT JOIN outbox o ON o.resource_type = 'MedicationAdministration' AND o.local_id = m.id
             WHERE {condition} ORDER BY m.taken_utc, m.id"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let what: String = r.get(2)?;
            let dosage: String = r.get(5)?;
            let entered_by: String = r.get(7)?;
            let queued: bool = r.get(10)?;
            let colour: String = r.get(13)?;
            Ok((
                StoredMedicineTaken {
                    id: r.get(0)?,
                    identifier: r.get(1)?,
                    what: MedicineTaken::ForColour,
                    for_result: r.get(12)?,
                    colour: Colour::parse(&colour).unwrap_or(Colour::Red),
                    medicine: r.get(3)?,
                    name: r.get(4)?,
                    dosage: serde_json::from_str(&dosage).unwrap_or_default(),
                    taken: ts(r.get(6)?)?,
                    entered_by: EnteredBy::parse(&entered_by).unwrap_or(EnteredBy::Patient),
                    relative: r.get(8)?,
                    plan_version: r.get(9)?,
                    sent: queued.then_some(r.get(11)?),
                },
                what,
                entered_by,
                colour,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (m, what, entered_by, colour) = row?;
            // The schema's CHECKs allow nothing else; say so if it happens.
            if what != m.what.as_str() || EnteredBy::parse(&entered_by).is_none() || Colour::parse(&colour).is_none() {
                return Err(StoreError::Corrupt(format!("medicine_taken {}: {what} {entered_by}", m.id)));
            }
            out.push(m);
        }
        Ok(out)
    }
}
