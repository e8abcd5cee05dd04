//! Versions of the self-care plan as the service sent them. A new version
//! replaces the old one from its `period.start`; the old ones stay, so it
//! is always known which plan was in force — and which judged a reading
//! (`measurement.plan_version`). A plan that cannot be understood is
//! refused before anything is saved, so the one in force stays.

use jiff::{tz::TimeZone, Timestamp};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError};
use crate::{error::CoreError, fhir::careplan, plan::CarePlan};

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
    pub fn accept_plan(&self, resource: &serde_json::Value, now: Timestamp, tz: &TimeZone) -> Result<PlanUpdate, CoreError> {
        let store_error = |e: StoreError| CoreError::new(e.code(), e.to_string());
        let plan = match careplan::parse(resource, tz) {
            Ok(plan) => plan,
            Err(error) => {
                // The reason names fields, never values about the patient.
                self.audit(now, "down", "plan-refused", None, Some(&error.detail)).map_err(store_error)?;
                return Err(error);
            }
        };
        let known: Option<String> = self
            .conn()
            .query_row("SELECT plan_id FROM care_plan WHERE version = ?1", [plan.version], |r| r.get(0))
            .optional()
            .map_err(|e| store_error(e.into()))?;
        if known.is_some() {
            return Ok(PlanUpdate::AlreadyKnown { version: plan.version });
        }
        self.conn()
            .execute(
                "INSERT INTO care_plan (version, plan_id, valid_from_utc, received_utc, resource) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![plan.version, plan.id, plan.valid_from.as_millisecond(), now.as_millisecond(), resource.to_string()],
            )
            .map_err(|e| store_error(e.into()))?;
        self.audit(now, "down", "plan-accepted", Some(&plan.version.to_string()), None).map_err(store_error)?;
        Ok(PlanUpdate::Accepted { version: plan.version, valid_from: plan.valid_from })
    }

    /// The plan in force at `at`: the newest version whose `valid_from` is
    /// not after `at`.
    pub fn plan_in_force(&self, at: Timestamp, tz: &TimeZone) -> Result<Option<CarePlan>, StoreError> {
        let resource: Option<String> = self
            .conn()
            .query_row(
                "SELECT resource FROM care_plan WHERE valid_from_utc <= ?1 ORDER BY valid_from_utc DESC, version DESC LIMIT 1",
                [at.as_millisecond()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(resource) = resource else { return Ok(None) };
        let json: serde_json::Value = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        careplan::parse(&json, tz).map(Some).map_err(|e| StoreError::Corrupt(e.detail))
    }

    /// Every saved version as `(version, valid_from)`, oldest first.
    pub fn plan_versions(&self) -> Result<Vec<(u32, Timestamp)>, StoreError> {
        let mut stmt = self.conn().prepare("SELECT version, valid_from_utc FROM care_plan ORDER BY valid_from_utc, version")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (v, ms) = row?;
            Ok((v, Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))?))
        })
        .collect()
    }
}
