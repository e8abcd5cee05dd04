//! Results as the screens show them, one card per judged item: a reading
//! ([`ReadingResult`]) or answered questionnaire ([`QuestionnaireResult`])
//! with the judgement stored when it was recorded, the advice of the plan
//! version that made it and whom to call now; and the yellow and red results
//! that still ask for attention ([`open_results`]: never training, red
//! first; a red until the service acknowledges it, however old, a yellow
//! from the last 14 days until then or until the patient has read it),
//! which the today
//! screen keeps in view until they are dealt with.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    clock::Clock,
    plan::{CarePlan, Help, MeasurementKind},
    questionnaire::{Questionnaire, Text},
    store::{
        medicines::StoredMedicineTaken,
        readings::{EnteredBy, StoredComponent, StoredReading},
        responses::StoredResponse,
        Store, StoreError,
    },
    traffic_light::Judgement,
    vocabulary::{Meal, ResultItem, ShownValue},
};

/// A reading as the screens show it, with its traffic-light result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadingResult {
    pub id: i64,
    pub kind: MeasurementKind,
    /// Each value with a number.
    pub values: Vec<ShownValue>,
    /// Local `HH:MM`.
    pub at_local: String,
    /// When it was taken (the screens show the date of an earlier day).
    pub at: Timestamp,
    pub judgement: Judgement,
    /// The plan's advice for the colour, in each language it has.
    pub advice: Option<Text>,
    /// Whom to call now, medicines, what happens next, material.
    pub help: Help,
    pub entered_by: EnteredBy,
    /// Has the follow-up service got it (`None`: training, never sent).
    pub sent: Option<bool>,
    /// When a nurse at the service saw it, local time (`HH:MM`).
    pub seen_local: Option<String>,
    /// The name of the relative who took it, when the plan names them.
    pub relative_name: Option<String>,
    /// A blood sugar's meal context, when said.
    pub meal: Option<Meal>,
    /// The colour's medicines said taken for this result.
    pub medicines_taken: Vec<StoredMedicineTaken>,
}

impl ReadingResult {
    /// The reading as the screens show it: the judgement stored when it
    /// was recorded, with the advice of the plan version that made it and
    /// whom to call now. `in_force` is the plan in force now (for the
    /// relatives' names, and to spare reading the same version again).
    pub fn new(
        store: &Store,
        in_force: Option<&CarePlan>,
        r: &StoredReading,
        clock: &dyn Clock,
    ) -> Result<ReadingResult, StoreError> {
        let (now, tz) = (clock.now(), clock.time_zone());
        let (advice, help) = crate::judging::help(store, r.plan_version, &r.judgement, in_force, now, &tz)?;
        Ok(ReadingResult {
            id: r.id,
            kind: r.kind,
            values: r.components.iter().filter_map(StoredComponent::shown).collect(),
            at_local: crate::clock::clock_time(r.effective, &tz),
            at: r.effective,
            judgement: r.judgement.clone(),
            advice,
            help,
            entered_by: r.entered_by,
            seen_local: r.seen.as_ref().map(|s| crate::clock::clock_time(s.at, &tz)),
            relative_name: r.relative.as_ref().and_then(|reference| {
                in_force?.relatives.iter().find(|k| &k.reference == reference).map(|k| k.name.clone())
            }),
            sent: r.sent,
            meal: r.meal,
            medicines_taken: store.medicines_taken_for(&r.identifier)?,
        })
    }
}

/// The result of an answered questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionnaireResult {
    pub id: i64,
    pub questionnaire: String,
    pub title: Text,
    /// When it was answered.
    pub at: Timestamp,
    /// Training: shown, never sent or counted.
    pub entered_by: EnteredBy,
    /// Total score, exact, when the questionnaire scores.
    pub score: Option<String>,
    pub judgement: Judgement,
    pub advice: Option<Text>,
    /// Whom to call now, medicines, what happens next, material.
    pub help: Help,
    /// The questions whose answers set the colour on their own.
    pub flagged: Vec<Text>,
    /// The colour's medicines said taken for these answers.
    pub medicines_taken: Vec<StoredMedicineTaken>,
}

/// Stored answers as the screens show them: the judgement made when they
/// were sent, with that plan version's advice and whom to call now
/// (`in_force`: the plan in force now), and the questions whose answers
/// set the colour. `q` is the questionnaire when the caller has it.
pub fn answers_result(
    store: &Store,
    in_force: Option<&CarePlan>,
    q: Option<&Questionnaire>,
    r: &StoredResponse,
    clock: &dyn Clock,
) -> Result<QuestionnaireResult, StoreError> {
    let loaded;
    let q = match q {
        Some(q) => Some(q),
        None => {
            loaded = crate::fhir::questionnaire::load_by_url(store, &r.questionnaire)?;
            loaded.as_ref()
        }
    };
    let (advice, help) =
        crate::judging::help(store, r.plan_version, &r.judgement, in_force, clock.now(), &clock.time_zone())?;
    let flagged = r
        .judgement
        .causes()
        .iter()
        .filter_map(|c| match &c.rule {
            crate::traffic_light::Rule::Answer { link_id, .. } => q?.item(link_id).map(|i| i.text.clone()),
            _ => None,
        })
        .collect();
    Ok(QuestionnaireResult {
        flagged,
        id: r.id,
        questionnaire: q.map(|q| q.id.clone()).unwrap_or_default(),
        title: q.map(|q| q.title.clone()).unwrap_or_else(|| crate::locale::Text::plain("")),
        at: r.authored,
        entered_by: r.entered_by,
        score: r.score.clone(),
        judgement: r.judgement.clone(),
        advice,
        help,
        medicines_taken: store.medicines_taken_for(&r.identifier)?,
    })
}

/// How far back a yellow result stays open on the today screen (a red
/// stays until the service acknowledges it). Older ones are in the
/// history; the service has them all.
pub const OPEN_FOR: SignedDuration = SignedDuration::from_hours(14 * 24);

/// A yellow or red result that still asks for attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "item", rename_all = "kebab-case")]
pub enum OpenResult {
    Reading(ReadingResult),
    Answers(QuestionnaireResult),
}

/// The results that stay on the today screen until they are dealt with: a
/// real reading or answered questionnaire judged red, until the service
/// acknowledges it; judged yellow, until then or until the patient has
/// read its advice (a yellow from the last [`OPEN_FOR`]). Red first, each
/// newest first; each with
/// the advice of the plan version that judged it and whom to call now.
pub fn open_results(
    store: &Store,
    in_force: Option<&CarePlan>,
    clock: &dyn Clock,
) -> Result<Vec<OpenResult>, StoreError> {
    let since = clock.now() - OPEN_FOR;
    let mut out = vec![];
    for row in store.open_results(since)? {
        match row.item {
            ResultItem::Reading { id } => {
                if let Some(r) = store.reading_by_id(id)? {
                    out.push(OpenResult::Reading(ReadingResult::new(store, in_force, &r, clock)?));
                }
            }
            ResultItem::Answers { id } => {
                if let Some(r) = store.response_by_id(id)? {
                    out.push(OpenResult::Answers(answers_result(store, in_force, None, &r, clock)?));
                }
            }
        }
    }
    Ok(out)
}
