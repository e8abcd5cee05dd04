//! What the patient (or a relative, or the nurse in training) records, and
//! the result the screens show right after: a reading typed by hand or from
//! a device ([`record_manual`]; [`StoreSink`] for a device session), judged
//! once by the plan in force (`judging`) and stored with its judgement and
//! outbox row; [`reading_result`], the stored judgement with advice and whom
//! to call; an answered questionnaire ([`submit_answers`]), checked, scored,
//! judged by score and answer rules and stored; a medicine taken, for a
//! result's colour ([`take_colour_medicine`]) or a dose of the plan's
//! schedule ([`take_dose`]); and [`history`], a kind's readings over a
//! period with the patient's limits, training left out.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    clock::Clock,
    devices::session::{ReadingSink, SessionReport},
    error::{CoreError, ErrorCode},
    fhir::questionnaire::{response, Respondent},
    locale::Text,
    manual::{self, EntryProblem},
    measurement::Measurement,
    plan::{CarePlan, MeasurementKind},
    questionnaire::{AnswerProblem, Answers, Questionnaire},
    results::{answers_result, QuestionnaireResult, ReadingResult},
    store::{
        medicines::{Check, MedicineTaken, NewMedicineTaken, StoredMedicineTaken},
        readings::{EnteredBy, Inserted, NewReading, Recorder, StoredComponent},
        responses::NewResponse,
        Store,
    },
    vocabulary::{Colour, ResultItem, ShownValue},
};

/// Why a manual reading was not stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum EntryRefused {
    /// What was typed cannot be right; nothing was stored.
    Typed(Vec<EntryProblem>),
    Failed(CoreError),
}

/// Stores a reading typed by hand and returns it as the result screen shows it.
pub fn record_manual(
    store: &mut Store,
    clock: &dyn Clock,
    kind: MeasurementKind,
    typed: &BTreeMap<String, String>,
    by: &Recorder,
) -> Result<ReadingResult, EntryRefused> {
    let now = clock.now();
    let m = manual::measurement(kind, typed, now).map_err(EntryRefused::Typed)?;
    let judged = crate::judging::judge_at_its_time(store, &m, &clock.time_zone(), None)
        .map_err(|e| EntryRefused::Failed(e.into()))?;
    let row = NewReading {
        measurement: &m,
        entered_by: by.by,
        relative: by.relative.as_deref(),
        manual: true,
        received_at: now,
        judged: judged.as_ref().map(|(v, j)| (*v, j)),
    };
    let id = match store.insert_reading(&row).map_err(|e| EntryRefused::Failed(e.into()))? {
        Inserted::New { id } | Inserted::Duplicate { id } => id,
    };
    reading_result(store, clock, id)
        .map_err(EntryRefused::Failed)?
        .ok_or_else(|| EntryRefused::Failed(CoreError::new(ErrorCode::StoreFailed, "stored reading not found")))
}

/// One stored reading as the result screen shows it, with the judgement
/// made when it was recorded (before the service had sent a plan: saved,
/// not judged).
pub fn reading_result(store: &Store, clock: &dyn Clock, id: i64) -> Result<Option<ReadingResult>, CoreError> {
    let Some(reading) = store.reading_by_id(id).map_err(CoreError::from)? else { return Ok(None) };
    let plan = crate::fhir::careplan::in_force(store, clock.now(), &clock.time_zone()).map_err(CoreError::from)?;
    Ok(Some(ReadingResult::new(store, plan.as_ref(), &reading, clock).map_err(CoreError::from)?))
}

/// Why answers were not stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum AnswersRefused {
    /// Unanswered or wrong answers; the UI goes back to them.
    Answers(Vec<AnswerProblem>),
    Failed(CoreError),
}

/// Checks, scores, judges and stores an answered questionnaire. `identifier`
/// is unique per response (the caller's randomness); `patient` is the
/// service's patient reference when enrolled.
pub fn submit_answers(
    store: &mut Store,
    clock: &dyn Clock,
    q: &Questionnaire,
    answers: &Answers,
    by: &Recorder,
    identifier: &str,
) -> Result<QuestionnaireResult, AnswersRefused> {
    q.check_complete(answers).map_err(AnswersRefused::Answers)?;
    let now = clock.now();
    let plan = crate::fhir::careplan::in_force(store, now, &clock.time_zone())
        .map_err(|e| AnswersRefused::Failed(e.into()))?;
    let score = q.score(answers);
    let judgement = match &plan {
        Some(plan) => crate::judging::judge_answers(plan, q, answers),
        None => crate::judging::no_plan(),
    };
    let resource = response(q, answers, now, identifier, &Respondent { patient: None, by });
    let id = store
        .save_response(&NewResponse {
            identifier,
            questionnaire: &q.url,
            authored: now,
            resource: &resource,
            score: score.map(|s| s.to_string()),
            entered_by: by.by,
            judged: plan.as_ref().map(|p| (i64::from(p.version), &judgement)),
        })
        .map_err(|e| AnswersRefused::Failed(e.into()))?;
    let stored = store.response_by_id(id).map_err(|e| AnswersRefused::Failed(e.into()))?;
    let stored =
        stored.ok_or_else(|| AnswersRefused::Failed(CoreError::new(ErrorCode::StoreFailed, "answers gone")))?;
    answers_result(store, plan.as_ref(), Some(q), &stored, clock).map_err(|e| AnswersRefused::Failed(e.into()))
}

/// Readings of a kind over a period, for the history plot, with the
/// patient's limits for that kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub kind: MeasurementKind,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Oldest first; training readings left out.
    pub points: Vec<HistoryPoint>,
    pub limits: Vec<crate::traffic_light::Limit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryPoint {
    pub id: i64,
    pub at: Timestamp,
    pub values: Vec<ShownValue>,
    pub colour: Option<Colour>,
    pub sent: Option<bool>,
    /// A blood sugar's meal context, when said.
    pub meal: Option<crate::vocabulary::Meal>,
}

/// The last `days` days up to now: `(from, to)`.
fn last_days(clock: &dyn Clock, days: u16) -> (Timestamp, Timestamp) {
    let to = clock.now();
    (to - jiff::SignedDuration::from_hours(24 * i64::from(days)), to)
}

/// The history of one kind over the last `days` days.
pub fn history(store: &Store, clock: &dyn Clock, kind: MeasurementKind, days: u16) -> Result<History, CoreError> {
    let (from, to) = last_days(clock, days);
    let tz = clock.time_zone();
    let plan = crate::fhir::careplan::in_force(store, to, &tz).map_err(CoreError::from)?;
    let points = store
        .readings(kind, from, to)
        .map_err(CoreError::from)?
        .into_iter()
        .filter(|r| r.entered_by != EnteredBy::NurseTraining)
        .map(|r| HistoryPoint {
            id: r.id,
            at: r.effective,
            values: r.components.iter().filter_map(StoredComponent::shown).collect(),
            colour: r.judgement.colour(),
            sent: r.sent,
            meal: r.meal,
        })
        .collect();
    let limits =
        plan.as_ref().and_then(|p| p.activity_for(kind)).map(|a| a.traffic_light.limits.clone()).unwrap_or_default();
    Ok(History { kind, from, to, points, limits })
}

/// Answers to one questionnaire over the last `days` days, as the history
/// screen shows readings: each total score (code 74465-6, `{score}`) with
/// the colour it got when it was answered, and the plan's score limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswersHistory {
    /// The questionnaire's id.
    pub questionnaire: String,
    pub title: Text,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Oldest first; training left out. A questionnaire without a score
    /// has points without values (the colour only).
    pub points: Vec<HistoryPoint>,
    pub limits: Vec<crate::traffic_light::Limit>,
}

/// The LOINC code and unit a questionnaire's total score is judged by.
const SCORE: (&str, &str) = ("74465-6", "{score}");

/// The answers to questionnaire `id` over the last `days` days.
pub fn answers_history(store: &Store, clock: &dyn Clock, id: &str, days: u16) -> Result<AnswersHistory, CoreError> {
    let (from, to) = last_days(clock, days);
    let tz = clock.time_zone();
    let q = crate::fhir::questionnaire::load(store, id)
        .map_err(CoreError::from)?
        .ok_or_else(|| CoreError::new(ErrorCode::QuestionnaireInvalid, format!("no questionnaire {id}")))?;
    let mut points = vec![];
    for r in store.responses(&q.url).map_err(CoreError::from)? {
        if r.entered_by == EnteredBy::NurseTraining || r.authored < from || r.authored >= to {
            continue;
        }
        let sent = store.outbox_sent_for("QuestionnaireResponse", r.id).map_err(CoreError::from)?;
        points.push(HistoryPoint {
            id: r.id,
            at: r.authored,
            values: r
                .score
                .map(|value| ShownValue { code: SCORE.0.into(), value, unit: SCORE.1.into() })
                .into_iter()
                .collect(),
            colour: r.judgement.colour(),
            sent,
            meal: None,
        });
    }
    let plan = crate::fhir::careplan::in_force(store, to, &tz).map_err(CoreError::from)?;
    let limits = plan
        .as_ref()
        .and_then(|p| p.activity_for_questionnaire(id))
        .map(|a| a.traffic_light.limits.iter().filter(|l| l.code == SCORE.0).cloned().collect())
        .unwrap_or_default();
    Ok(AnswersHistory { questionnaire: id.to_string(), title: q.title, from, to, points, limits })
}

/// Records that a medicine the plan gives for a result's colour (and
/// side) was taken now — a course started, a reliever's dose — for that
/// result: it must be among the result's medicines as the plan in force
/// gives them. Kept with the medicine's name and dosage as the plan gives
/// them and the result's colour, queued for the service (training never);
/// a second tap for the same result and medicine keeps the first.
pub fn take_colour_medicine(
    store: &mut Store,
    clock: &dyn Clock,
    item: ResultItem,
    medicine: &str,
    by: &Recorder,
    identifier: &str,
) -> Result<StoredMedicineTaken, CoreError> {
    let (now, tz) = (clock.now(), clock.time_zone());
    let unknown = || CoreError::new(ErrorCode::MedicineUnknown, "not a medicine of this result's colour in the plan");
    let found = match item {
        ResultItem::Reading { id } => store
            .reading_by_id(id)
            .map_err(CoreError::from)?
            .map(|r| (r.identifier, r.plan_version, r.judgement, r.entered_by)),
        ResultItem::Answers { id } => store
            .response_by_id(id)
            .map_err(CoreError::from)?
            .map(|r| (r.identifier, r.plan_version, r.judgement, r.entered_by)),
    };
    let (for_result, plan_version, judgement, entered_by) = found.ok_or_else(unknown)?;
    // A training result's medicine is practice, a real one's real: training
    // switched since the result was shown is refused, as for a form.
    if (entered_by == EnteredBy::NurseTraining) != (by.by == EnteredBy::NurseTraining) {
        return Err(CoreError::new(ErrorCode::TrainingChanged, "training was switched while the result was shown"));
    }
    let colour = judgement.colour().ok_or_else(unknown)?;
    // No plan in force: nothing the plan says now can be taken.
    let in_force = crate::fhir::careplan::in_force(store, now, &tz).map_err(CoreError::from)?.ok_or_else(unknown)?;
    let (_, help) =
        crate::judging::help(store, plan_version, &judgement, Some(&in_force), now, &tz).map_err(CoreError::from)?;
    let m = help.medicines.iter().find(|m| m.id == medicine).ok_or_else(unknown)?;
    // The check the plan asks after it ("mål igjen i morgen"), for an
    // activity the plan in force still has.
    let check =
        help.rechecks.iter().find(|r| r.medicine == m.id && in_force.activity(&r.activity).is_some()).map(|r| Check {
            activity: r.activity.clone(),
            due: out_of_quiet_hours(now + SignedDuration::from_mins(i64::from(r.after_minutes)), &in_force, &tz),
        });
    keep_medicine_taken(
        store,
        &NewMedicineTaken {
            identifier,
            what: MedicineTaken::ForColour { for_result, colour },
            medicine: &m.id,
            name: m.name.original(),
            dosage: &m.dosage.iter().map(|d| d.original().clone()).collect::<Vec<_>>(),
            taken: now,
            by,
            plan_version: Some(i64::from(in_force.version)),
            check,
        },
    )
}

/// Judges readings against the plan in force, stores them (with the
/// judgement) in the encrypted store, and advances the device's sequence
/// number in the registry.
pub struct StoreSink<'a> {
    pub store: &'a mut Store,
    pub device_id: &'a str,
    pub recorder: &'a Recorder,
    pub clock: &'a dyn Clock,
    pub plan: Option<&'a CarePlan>,
}

impl StoreSink<'_> {
    /// Judges and stores `measurements` in one transaction; the readings
    /// that were new, with the colour each got.
    pub fn store_new(
        &mut self,
        measurements: &[Measurement],
        sequence: Option<u16>,
    ) -> Result<Vec<(i64, Option<Colour>)>, CoreError> {
        let now = self.clock.now();
        let tz = self.clock.time_zone();
        // Each by the plan in force when it was taken (a record fetched
        // later from the device's memory by the plan of its own day).
        let judgements = measurements
            .iter()
            .map(|m| crate::judging::judge_at_its_time(self.store, m, &tz, self.plan))
            .collect::<Result<Vec<_>, _>>()?;
        let readings: Vec<NewReading<'_>> = measurements
            .iter()
            .zip(&judgements)
            .map(|(m, judged)| NewReading {
                measurement: m,
                entered_by: self.recorder.by,
                relative: self.recorder.relative.as_deref(),
                manual: false,
                received_at: now,
                judged: judged.as_ref().map(|(v, j)| (*v, j)),
            })
            .collect();
        let inserted = self.store.insert_readings(&readings)?;
        self.store.device_seen(self.device_id, now, None, sequence)?;
        Ok(inserted
            .iter()
            .zip(&judgements)
            .filter_map(|(inserted, judged)| match inserted {
                Inserted::New { id } => Some((*id, judged.as_ref().and_then(|(_, j)| j.colour()))),
                Inserted::Duplicate { .. } => None,
            })
            .collect())
    }
}

impl ReadingSink for StoreSink<'_> {
    fn store(&mut self, measurements: &[Measurement], sequence: Option<u16>) -> Result<(), CoreError> {
        self.store_new(measurements, sequence).map(|_| ())
    }
}

/// Writes what a session learnt about the device into the registry: when
/// it was seen, its battery, and the highest record number stored.
pub fn remember_device(
    store: &Store,
    device_id: &str,
    report: &SessionReport,
    now: jiff::Timestamp,
) -> Result<(), crate::store::StoreError> {
    store.device_seen(device_id, now, report.battery_percent, report.last_sequence)?;
    store.device_info_seen(device_id, &report.device_info, now)?;
    Ok(())
}

/// Keeps a photo for the plan's photo activity `activity` (the plan in
/// force must ask for a photo there: `photo-not-asked` otherwise), with
/// its title as the plan gives it, who took it and the plan's version;
/// queued for the service unless it is training.
pub fn keep_photo(
    store: &mut Store,
    clock: &dyn Clock,
    activity: &str,
    photo: &crate::photo::Photo,
    source: crate::store::photos::PhotoSource,
    by: &Recorder,
    identifier: &str,
) -> Result<crate::store::photos::StoredPhoto, CoreError> {
    let (now, tz) = (clock.now(), clock.time_zone());
    let not_asked = || CoreError::new(ErrorCode::PhotoNotAsked, "the plan in force asks no photo there");
    let plan = crate::fhir::careplan::in_force(store, now, &tz).map_err(CoreError::from)?.ok_or_else(not_asked)?;
    let title = plan.photo_title(activity).ok_or_else(not_asked)?.original().clone();
    let id = store.record_photo(&crate::store::photos::NewPhoto {
        identifier,
        activity,
        title: &title,
        taken: now,
        source,
        jpeg: &photo.jpeg,
        width: photo.width,
        height: photo.height,
        by,
        plan_version: Some(i64::from(plan.version)),
    })?;
    store.photo_by_id(id)?.ok_or_else(|| CoreError::new(ErrorCode::StoreFailed, "a photo just stored is gone"))
}

/// Stores a medicine taken (a second one for the same result or planned
/// time keeps the first), and the record as it stands.
fn keep_medicine_taken(store: &mut Store, taken: &NewMedicineTaken<'_>) -> Result<StoredMedicineTaken, CoreError> {
    let (Inserted::New { id } | Inserted::Duplicate { id }) = store.record_medicine_taken(taken)?;
    store
        .medicine_taken_by_id(id)?
        .ok_or_else(|| CoreError::new(ErrorCode::StoreFailed, "a medicine record just stored is gone"))
}

/// A check falling in the plan's quiet hours (the night) is moved to when
/// they end: it is not asked for, nor reminded, at 03:00.
fn out_of_quiet_hours(due: Timestamp, plan: &crate::plan::CarePlan, tz: &jiff::tz::TimeZone) -> Timestamp {
    let quiet = plan.reminders.quiet;
    let local = due.to_zoned(tz.clone());
    if !quiet.holds(local.time()) {
        return due;
    }
    let at = |date: jiff::civil::Date| date.to_datetime(quiet.until).to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    match at(local.date()).filter(|t| *t > due) {
        Some(t) => t,
        None => local.date().tomorrow().ok().and_then(at).unwrap_or(due),
    }
}

/// How long before its time a scheduled dose may be said taken.
pub const DOSE_EARLY: SignedDuration = SignedDuration::from_hours(1);

/// Records that a scheduled dose of the plan's medicine was taken now, for
/// its planned time `due` today: the medicine must have a dose schedule in
/// the plan in force, and `due` be one of today's planned times of it (a
/// missed one too: taken late is still taken), at most [`DOSE_EARLY`]
/// ahead. Kept with the medicine's
/// name and dosage as the plan gives them, queued for the service
/// (training never, and never the day's task); a second tap for the same
/// time keeps the first.
pub fn take_dose(
    store: &mut Store,
    clock: &dyn Clock,
    medicine: &str,
    due: jiff::Timestamp,
    by: &Recorder,
    identifier: &str,
) -> Result<StoredMedicineTaken, CoreError> {
    let (now, tz) = (clock.now(), clock.time_zone());
    let unknown = || CoreError::new(ErrorCode::MedicineUnknown, "not a dose of the plan's schedule today");
    let plan = crate::fhir::careplan::in_force(store, now, &tz).map_err(CoreError::from)?.ok_or_else(unknown)?;
    let m = plan.medicines.iter().find(|m| m.id == medicine && m.schedule.is_some()).ok_or_else(unknown)?;
    let tasks = crate::today::tasks_of(store, &plan, clock).map_err(CoreError::from)?;
    let activity = format!("{}{medicine}", crate::plan::DOSE_PREFIX);
    if !tasks.iter().any(|t| t.activity_id == activity && t.due == Some(due)) {
        return Err(unknown());
    }
    // The evening's dose is not ticked off in the morning: it would show
    // taken when its time comes, and never be reminded.
    if due > now + DOSE_EARLY {
        return Err(CoreError::new(ErrorCode::DoseNotYet, "more than an hour before the dose's time"));
    }
    keep_medicine_taken(
        store,
        &NewMedicineTaken {
            identifier,
            what: MedicineTaken::Scheduled { due },
            medicine: &m.id,
            name: m.name.original(),
            dosage: &m.dosage.iter().map(|d| d.original().clone()).collect::<Vec<_>>(),
            taken: now,
            by,
            plan_version: Some(i64::from(plan.version)),
            check: None,
        },
    )
}
