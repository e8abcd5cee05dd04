//! Versions of the self-care plan and the questionnaires as the service
//! sent them. A new plan replaces the old one from its `period.start`; the
//! old ones stay, so it is always known which plan was in force — and which
//! judged a reading (`measurement.plan_version`, the app's own increasing
//! plan number, so plans from a new service after a hand-over never collide
//! with the old one's). A plan or questionnaire that cannot be understood is
//! refused before anything is saved, so the one in force stays.

use jiff::{tz::TimeZone, Timestamp};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError};
use crate::{
    error::CoreError,
    fhir::{self, careplan},
    plan::CarePlan,
    questionnaire::Questionnaire,
};

/// What happened to a plan the service sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum PlanUpdate {
    /// Saved; in force from `valid_from`.
    Accepted { version: u32, valid_from: Timestamp },
    /// This version was already saved.
    AlreadyKnown { version: u32 },
}

impl Store {
    /// Validates and saves a CarePlan from the service. On error nothing
    /// changes and the refusal is written to the audit trail.
    pub fn accept_plan(
        &self,
        resource: &serde_json::Value,
        now: Timestamp,
        tz: &TimeZone,
    ) -> Result<PlanUpdate, CoreError> {
        let plan = match careplan::parse(resource, tz) {
            Ok(plan) => plan,
            Err(error) => {
                // The reason names fields, never values about the patient.
                self.audit(now, "down", "plan-refused", None, Some(&error.detail))?;
                return Err(error);
            }
        };
        let source_version = plan.version.to_string();
        let known: Option<u32> = self
            .conn()
            .query_row(
                "SELECT version FROM care_plan WHERE plan_id = ?1 AND source_version = ?2",
                params![plan.id, source_version],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)?;
        if let Some(version) = known {
            return Ok(PlanUpdate::AlreadyKnown { version });
        }
        self.conn()
            .execute(
                "INSERT INTO care_plan (plan_id, source_version, valid_from_utc, received_utc, resource) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![plan.id, source_version, plan.valid_from.as_millisecond(), now.as_millisecond(), resource.to_string()],
            )
            .map_err(StoreError::from)?;
        let version = self.conn().last_insert_rowid() as u32;
        self.audit(now, "down", "plan-accepted", Some(&version.to_string()), None)?;
        Ok(PlanUpdate::Accepted { version, valid_from: plan.valid_from })
    }

    /// The plan in force at `at`: the newest version whose `valid_from` is
    /// not after `at`.
    pub fn plan_in_force(&self, at: Timestamp, tz: &TimeZone) -> Result<Option<CarePlan>, StoreError> {
        let row: Option<(u32, String)> = self
            .conn()
            .query_row(
                "SELECT version, resource FROM care_plan WHERE valid_from_utc <= ?1
                 ORDER BY valid_from_utc DESC, version DESC LIMIT 1",
                [at.as_millisecond()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((version, resource)) = row else { return Ok(None) };
        let json: serde_json::Value =
            serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut plan = careplan::parse(&json, tz).map_err(|e| StoreError::Corrupt(e.detail))?;
        plan.version = version;
        Ok(Some(plan))
    }

    /// Validates and saves a Questionnaire; `false` when this id and
    /// version were already saved.
    pub fn accept_questionnaire(&self, resource: &serde_json::Value, now: Timestamp) -> Result<bool, CoreError> {
        let store_error = |e: rusqlite::Error| CoreError::new("store-failed", e.to_string());
        let q = fhir::questionnaire::parse(resource)?;
        let version = resource["meta"]["versionId"].as_str().or(resource["version"].as_str()).unwrap_or("1");
        let changed = self
            .conn()
            .execute(
                "INSERT INTO questionnaire (id, version, url, received_utc, resource) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id, version) DO NOTHING",
                params![q.id, version, q.url, now.as_millisecond(), resource.to_string()],
            )
            .map_err(store_error)?;
        Ok(changed == 1)
    }

    /// The newest saved version of a questionnaire.
    pub fn questionnaire(&self, id: &str) -> Result<Option<Questionnaire>, StoreError> {
        let resource: Option<String> = self
            .conn()
            .query_row(
                "SELECT resource FROM questionnaire WHERE id = ?1 ORDER BY received_utc DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(resource) = resource else { return Ok(None) };
        let json: serde_json::Value =
            serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        fhir::questionnaire::parse(&json).map(Some).map_err(|e| StoreError::Corrupt(e.detail))
    }

    /// Every saved version as `(version, valid_from)`, oldest first.
    pub fn plan_versions(&self) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        let mut stmt =
            self.conn().prepare("SELECT version, valid_from_utc FROM care_plan ORDER BY valid_from_utc, version")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (v, ms) = row?;
            Ok((v, Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))?))
        })
        .collect()
    }
}
