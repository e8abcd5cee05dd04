//! Medicines the patient says were taken: the plan's medicine for a
//! result's colour ("ved gul sone: start kuren", a reliever when yellow),
//! kept with the result whose colour asked for it, or a dose of the plan's
//! schedule, kept with the planned time it is for; each with the medicine
//! as the plan named it then, queued for the service in the same
//! transaction (training never), once per result (or planned time) and
//! medicine: saying it twice keeps the first.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{outbox, readings::Inserted, ts, Store, StoreError};
use crate::vocabulary::{Colour, EnteredBy, Recorder};

/// What was taken, and for what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum MedicineTaken {
    /// The plan's medicine for a result's colour: a course started, or a
    /// dose of a reliever. The result's identifier (a reading's or
    /// answers') and its colour.
    ForColour { for_result: String, colour: Colour },
    /// A dose of the plan's schedule, for its planned time.
    Scheduled { due: Timestamp },
}

impl MedicineTaken {
    pub fn as_str(&self) -> &'static str {
        match self {
            MedicineTaken::ForColour { .. } => "for-colour",
            MedicineTaken::Scheduled { .. } => "scheduled",
        }
    }
}

/// The check a colour's medicine brings ("mål igjen i morgen"): the plan's
/// activity again at `due`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub activity: String,
    pub due: Timestamp,
}

/// One record to store.
#[derive(Debug, Clone)]
pub struct NewMedicineTaken<'a> {
    pub identifier: &'a str,
    pub what: MedicineTaken,
    /// The plan's id for the medicine.
    pub medicine: &'a str,
    pub name: &'a str,
    pub dosage: &'a [String],
    pub taken: Timestamp,
    pub by: &'a Recorder,
    pub plan_version: Option<i64>,
    /// A colour's medicine's check, where the plan asks for one.
    pub check: Option<Check>,
}

/// A record as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMedicineTaken {
    pub id: i64,
    pub identifier: String,
    #[serde(flatten)]
    pub what: MedicineTaken,
    pub medicine: String,
    pub name: String,
    pub dosage: Vec<String>,
    pub taken: Timestamp,
    pub entered_by: EnteredBy,
    pub relative: Option<String>,
    pub plan_version: Option<i64>,
    /// Whether the service has it (`None`: training, never sent).
    pub sent: Option<bool>,
    pub check: Option<Check>,
}

impl Store {
    /// Stores the record and queues it, unless this result's (or planned
    /// time's) medicine is stored already (then that one stands).
    pub fn record_medicine_taken(&mut self, m: &NewMedicineTaken<'_>) -> Result<Inserted, StoreError> {
        let (for_result, colour, due) = match &m.what {
            MedicineTaken::ForColour { for_result, colour } => (Some(for_result.as_str()), Some(colour.as_str()), None),
            MedicineTaken::Scheduled { due } => (None, None, Some(due.as_millisecond())),
        };
        let tx = self.conn_mut().transaction()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM medicine_taken
                 WHERE medicine = ?1 AND (for_result = ?2 OR due_utc = ?3) AND (entered_by = 'nurse-training') = ?4",
                params![m.medicine, for_result, due, m.by.by == EnteredBy::NurseTraining],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Inserted::Duplicate { id });
        }
        tx.execute(
            "INSERT INTO medicine_taken (identifier, what, for_result, colour, due_utc, medicine, name, dosage,
                                         taken_utc, entered_by, relative, plan_version, check_activity, check_due_utc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                m.identifier,
                m.what.as_str(),
                for_result,
                colour,
                due,
                m.medicine,
                m.name,
                serde_json::to_string(m.dosage).expect("text lines serialise"),
                m.taken.as_millisecond(),
                m.by.by.as_str(),
                m.by.relative,
                m.plan_version,
                m.check.as_ref().map(|c| c.activity.as_str()),
                m.check.as_ref().map(|c| c.due.as_millisecond()),
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

    /// The scheduled doses said taken in `[from, to]`.
    pub fn doses_taken_since(&self, from: Timestamp, to: Timestamp) -> Result<Vec<StoredMedicineTaken>, StoreError> {
        self.medicines_taken_where(
            "m.due_utc IS NOT NULL AND m.taken_utc >= ?1 AND m.taken_utc <= ?2",
            params![from.as_millisecond(), to.as_millisecond()],
        )
    }

    /// The real (not training) colour's medicines whose check is due in
    /// `[from, to)`.
    pub fn checks_due(&self, from: Timestamp, to: Timestamp) -> Result<Vec<StoredMedicineTaken>, StoreError> {
        self.medicines_taken_where(
            "m.check_due_utc >= ?1 AND m.check_due_utc < ?2 AND m.entered_by != 'nurse-training'",
            params![from.as_millisecond(), to.as_millisecond()],
        )
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
                    m.plan_version, o.id IS NOT NULL, o.sent_utc IS NOT NULL, m.for_result, m.colour, m.due_utc,
                    m.check_activity, m.check_due_utc
             FROM medicine_taken m
             LEFT JOIN outbox o ON o.resource_type = 'MedicationAdministration' AND o.local_id = m.id
             WHERE {condition} ORDER BY m.taken_utc, m.id"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let what: String = r.get(2)?;
            let dosage: String = r.get(5)?;
            let entered_by: String = r.get(7)?;
            let queued: bool = r.get(10)?;
            let for_result: Option<String> = r.get(12)?;
            let colour: Option<String> = r.get(13)?;
            let due: Option<i64> = r.get(14)?;
            // The schema's CHECKs allow only these two shapes.
            let taken_for = match (what.as_str(), for_result, colour.as_deref().and_then(Colour::parse), due) {
                ("for-colour", Some(for_result), Some(colour), None) => {
                    Some(MedicineTaken::ForColour { for_result, colour })
                }
                ("scheduled", None, None, Some(due)) => Some(MedicineTaken::Scheduled { due: ts(due)? }),
                _ => None,
            };
            let id: i64 = r.get(0)?;
            let check = match (r.get::<_, Option<String>>(15)?, r.get::<_, Option<i64>>(16)?) {
                (Some(activity), Some(due)) => Some(Check { activity, due: ts(due)? }),
                _ => None,
            };
            Ok((id, taken_for, EnteredBy::parse(&entered_by), what, check, {
                let dosage: Vec<String> = serde_json::from_str(&dosage).unwrap_or_default();
                (
                    r.get(1)?,
                    r.get(3)?,
                    r.get(4)?,
                    dosage,
                    ts(r.get(6)?)?,
                    r.get(8)?,
                    r.get(9)?,
                    queued.then_some(r.get(11)?),
                )
            }))
        })?;
        let mut out = vec![];
        for row in rows {
            let (id, taken_for, entered_by, what, check, rest) = row?;
            let (Some(what), Some(entered_by)) = (taken_for, entered_by) else {
                return Err(StoreError::Corrupt(format!("medicine_taken {id}: {what}")));
            };
            let (identifier, medicine, name, dosage, taken, relative, plan_version, sent) = rest;
            out.push(StoredMedicineTaken {
                id,
                identifier,
                what,
                medicine,
                name,
                dosage,
                taken,
                entered_by,
                relative,
                plan_version,
                sent,
                check,
            });
        }
        Ok(out)
    }
}
