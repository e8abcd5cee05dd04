//! Answered questionnaires: the FHIR `QuestionnaireResponse` as built when
//! the patient (or a relative) sent it, its score and colour, and its
//! outbox row in the same transaction. Training answers are never queued.

use jiff::Timestamp;
use rusqlite::params;
use serde::Serialize;

use super::{
    outbox,
    readings::{stored_judgement, EnteredBy},
    ts, Store, StoreError,
};
use crate::vocabulary::Judgement;

/// A stored answer set, for history and for sending.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredResponse {
    pub id: i64,
    pub identifier: String,
    /// The questionnaire's canonical URL.
    pub questionnaire: String,
    pub authored: Timestamp,
    /// The `QuestionnaireResponse` without a subject (added when sent).
    pub resource: serde_json::Value,
    pub score: Option<String>,
    pub entered_by: EnteredBy,
    /// The plan version (the app's number) that judged it.
    pub plan_version: Option<i64>,
    pub colour: Option<String>,
    /// The judgement made when it was sent: what every screen shows.
    pub judgement: Judgement,
}

/// What to store for one answered questionnaire.
pub struct NewResponse<'a> {
    pub identifier: &'a str,
    pub questionnaire: &'a str,
    pub authored: Timestamp,
    pub resource: &'a serde_json::Value,
    pub score: Option<String>,
    pub entered_by: EnteredBy,
    /// The plan version that judged it and its judgement; none: no plan yet.
    pub judged: Option<(i64, &'a Judgement)>,
}

impl Store {
    /// Stores an answered questionnaire and queues it, in one transaction.
    /// Returns the row id; the same identifier twice stores it once.
    pub fn save_response(&mut self, r: &NewResponse<'_>) -> Result<i64, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let inserted = tx.execute(
            "INSERT INTO questionnaire_response (identifier, questionnaire, authored_utc, resource, score, entered_by, plan_version, colour, judgement)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (identifier) DO NOTHING",
            params![
                r.identifier,
                r.questionnaire,
                r.authored.as_millisecond(),
                r.resource.to_string(),
                r.score,
                r.entered_by.as_str(),
                r.judged.map(|(v, _)| v),
                r.judged.map(|(_, j)| j.as_str()),
                r.judged.map(|(_, j)| serde_json::to_string(j).expect("a judgement serialises")),
            ],
        )?;
        let id: i64 =
            tx.query_row("SELECT id FROM questionnaire_response WHERE identifier = ?1", [r.identifier], |row| {
                row.get(0)
            })?;
        if inserted == 1 && r.entered_by != EnteredBy::NurseTraining {
            outbox::enqueue(&tx, "QuestionnaireResponse", id, r.identifier, r.authored)?;
        }
        tx.commit()?;
        Ok(id)
    }

    pub fn response_by_id(&self, id: i64) -> Result<Option<StoredResponse>, StoreError> {
        Ok(self.responses_where("id = ?1", params![id])?.pop())
    }

    /// Every answered questionnaire, oldest first (the export).
    pub fn all_responses(&self) -> Result<Vec<StoredResponse>, StoreError> {
        self.responses_where("1 = 1", [])
    }

    /// Answers to one questionnaire (by canonical URL), oldest first.
    pub fn responses(&self, questionnaire: &str) -> Result<Vec<StoredResponse>, StoreError> {
        self.responses_where("questionnaire = ?1", params![questionnaire])
    }

    fn responses_where(&self, condition: &str, args: impl rusqlite::Params) -> Result<Vec<StoredResponse>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, identifier, questionnaire, authored_utc, resource, score, entered_by, colour, plan_version, judgement
             FROM questionnaire_response WHERE {condition} ORDER BY authored_utc, id"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let resource: String = r.get(4)?;
            let entered_by: String = r.get(6)?;
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, resource, r.get(5)?, entered_by, r.get(7)?),
                r.get::<_, Option<i64>>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            type Row = (i64, String, String, i64, String, Option<String>, String, Option<String>);
            let (
                (id, identifier, questionnaire, authored, resource, score, entered_by, colour),
                plan_version,
                judgement,
            ): (Row, Option<i64>, Option<String>) = row?;
            out.push(StoredResponse {
                id,
                identifier,
                questionnaire,
                authored: ts(authored)?,
                resource: serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                score,
                entered_by: EnteredBy::parse(&entered_by)
                    .ok_or_else(|| StoreError::Corrupt(format!("entered_by {entered_by:?}")))?,
                judgement: stored_judgement(plan_version, colour.as_deref(), judgement.as_deref()),
                plan_version,
                colour,
            });
        }
        Ok(out)
    }
}
