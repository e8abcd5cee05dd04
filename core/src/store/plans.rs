//! Versions of the self-care plan and the questionnaires as the service
//! sent them. A new plan replaces the old one from its `period.start`; the
//! old ones stay, so it is always known which plan was in force — and which
//! judged a reading (`measurement.plan_version`, the app's own increasing
//! plan number, so plans from a new service after a hand-over never collide
//! with the old one's). A plan or questionnaire that cannot be understood is
//! refused before anything is saved, so the one in force stays: the
//! store keeps the resources as text, and `fhir::careplan` /
//! `fhir::questionnaire` read and check them (the store knows no FHIR).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{outbox, Store, StoreError, PLAN_REFUSED};
use crate::error::ErrorCode;

/// The plans and versions refused before (`CarePlan/<id>|<version>`), so a
/// refusal is told once, not every round.
const PLANS_REFUSED_BEFORE: &str = "plan.refused-before";
/// How many refused plan versions are remembered.
const REFUSALS_KEPT: usize = 50;
/// When the last `plan-refused` notice was queued.
const PLAN_REFUSED_NOTICE_AT: &str = "plan.refused-notice-at";
/// The words of a queued notice, by the notice's identifier.
const NOTICE_WORDS: &str = "notice.words:";

/// What remembering a refused plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// This plan version was refused for the first time: the patient is told.
    pub new: bool,
    /// A notice to the service was queued.
    pub notice_queued: bool,
}

/// A plan the service sent that the app could not read: the plan in force
/// before it still holds. Named by the service's id and version, with the
/// reason (the error code, and a detail naming fields, never values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedPlan {
    /// `CarePlan/<id>` as the service named it (`CarePlan` without an id).
    pub plan: String,
    pub version: Option<String>,
    pub reason: ErrorCode,
    pub detail: String,
    /// When it was first refused.
    pub at: Timestamp,
}

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
    /// Saves a plan version the caller has read and checked (its id, the
    /// service's version, when it takes effect, the resource as sent);
    /// a version already saved is not saved again.
    pub fn save_plan(
        &self,
        plan_id: &str,
        source_version: &str,
        valid_from: Timestamp,
        resource: &str,
        now: Timestamp,
    ) -> Result<PlanUpdate, StoreError> {
        let known: Option<u32> = self
            .conn()
            .query_row(
                "SELECT version FROM care_plan WHERE plan_id = ?1 AND source_version = ?2",
                params![plan_id, source_version],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(version) = known {
            return Ok(PlanUpdate::AlreadyKnown { version });
        }
        self.conn().execute(
            "INSERT INTO care_plan (plan_id, source_version, valid_from_utc, received_utc, resource) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![plan_id, source_version, valid_from.as_millisecond(), now.as_millisecond(), resource],
        )?;
        let version = self.conn().last_insert_rowid() as u32;
        self.audit(now, "down", "plan-accepted", Some(&version.to_string()), None)?;
        Ok(PlanUpdate::Accepted { version, valid_from })
    }

    /// Remembers a refused plan. The first time this plan and version are
    /// refused it becomes the refusal the patient is told of, and a notice
    /// to the service is queued with its words (at most one an hour, so a
    /// server that changes its answer every time cannot flood the outbox),
    /// in one transaction.
    pub fn remember_refused_plan(&mut self, refused: &RefusedPlan) -> Result<Refusal, StoreError> {
        let key = format!("{}|{}", refused.plan, refused.version.as_deref().unwrap_or(""));
        let mut told: Vec<String> =
            self.setting(PLANS_REFUSED_BEFORE)?.and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
        if told.contains(&key) {
            return Ok(Refusal { new: false, notice_queued: false });
        }
        told.push(key);
        let keep_from = told.len().saturating_sub(REFUSALS_KEPT);
        let told = serde_json::to_string(&told[keep_from..]).expect("strings serialise");
        let text = serde_json::to_string(refused).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let last_notice: Option<Timestamp> = self.setting(PLAN_REFUSED_NOTICE_AT)?.and_then(|t| t.parse().ok());
        let notice_due =
            last_notice.is_none_or(|at| refused.at.duration_since(at) >= jiff::SignedDuration::from_hours(1));
        let set =
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        let tx = self.conn_mut().transaction()?;
        tx.execute(set, [PLAN_REFUSED, &text])?;
        tx.execute(set, [PLANS_REFUSED_BEFORE, &told])?;
        if notice_due {
            let identifier = outbox::enqueue_notice(&tx, "plan-refused", refused.at)?;
            // The notice says what was refused when it was queued.
            tx.execute(set, [&format!("{NOTICE_WORDS}{identifier}"), &text])?;
            tx.execute(set, [PLAN_REFUSED_NOTICE_AT, &refused.at.to_string()])?;
        }
        tx.commit()?;
        Ok(Refusal { new: true, notice_queued: notice_due })
    }

    /// The refused plan a queued `plan-refused` notice tells of.
    pub fn refusal_of_notice(&self, identifier: &str) -> Result<Option<RefusedPlan>, StoreError> {
        self.setting(&format!("{NOTICE_WORDS}{identifier}"))?
            .map(|text| serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// The last plan refused, until a plan is accepted after it.
    pub fn refused_plan(&self) -> Result<Option<RefusedPlan>, StoreError> {
        self.setting(PLAN_REFUSED)?
            .map(|text| serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// A plan was accepted: no refusal stands any more.
    pub fn forget_refused_plan(&self) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM setting WHERE key = ?1", [PLAN_REFUSED])?;
        Ok(())
    }

    /// Whether the plan the app numbered `version` came from the service
    /// the tablet follows now (`None`, no plan: false). Plans are numbered
    /// in the order they came, and a hand-over notes the first number of
    /// the new service ([`Store::begin_service`]); what a plan of an
    /// earlier service names (its id, its relatives, its author) could name
    /// someone else at this one.
    pub fn plan_of_this_service(&self, version: Option<i64>) -> Result<bool, StoreError> {
        let Some(version) = version else { return Ok(false) };
        use rusqlite::OptionalExtension;
        let first: Option<String> = self
            .conn()
            .query_row("SELECT value FROM setting WHERE key = ?1", [super::outbox::FIRST_PLAN_SETTING], |r| r.get(0))
            .optional()?;
        let first = match first {
            Some(text) => text.parse::<i64>().map_err(|e| StoreError::Corrupt(format!("first plan: {e}")))?,
            None => 0,
        };
        Ok(version >= first)
    }

    /// The service's id and version of the plan the app numbered `version`.
    pub fn plan_identity(&self, version: i64) -> Result<Option<(String, String)>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT plan_id, source_version FROM care_plan WHERE version = ?1", [version], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// The version of the plan in force at `at`: the newest version whose
    /// `valid_from` is not after `at`.
    pub fn plan_version_in_force(&self, at: Timestamp) -> Result<Option<u32>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT version FROM care_plan WHERE valid_from_utc <= ?1
                 ORDER BY valid_from_utc DESC, version DESC LIMIT 1",
                [at.as_millisecond()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The plan in force at `at` as `(version, resource)`: the newest
    /// version whose `valid_from` is not after `at`.
    pub fn plan_resource_in_force(&self, at: Timestamp) -> Result<Option<(u32, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT version, resource FROM care_plan WHERE valid_from_utc <= ?1
                 ORDER BY valid_from_utc DESC, version DESC LIMIT 1",
                [at.as_millisecond()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Saves a questionnaire version the caller has read and checked;
    /// `false` when this id and version were already saved.
    pub fn save_questionnaire(
        &self,
        id: &str,
        version: &str,
        url: Option<&str>,
        resource: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "INSERT INTO questionnaire (id, version, url, received_utc, resource) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id, version) DO NOTHING",
            params![id, version, url, now.as_millisecond(), resource],
        )?;
        Ok(changed == 1)
    }

    /// The newest saved version of a questionnaire, as sent.
    pub fn questionnaire_resource(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT resource FROM questionnaire WHERE id = ?1 ORDER BY received_utc DESC LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The newest saved version of the questionnaire with this canonical
    /// URL, as sent (answers name their questionnaire by it).
    pub fn questionnaire_resource_by_url(&self, url: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT resource FROM questionnaire WHERE url = ?1 ORDER BY received_utc DESC LIMIT 1",
                [url],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// One saved version's resource, as sent.
    pub fn plan_resource(&self, version: u32) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT resource FROM care_plan WHERE version = ?1", [version], |r| r.get(0))
            .optional()?)
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
