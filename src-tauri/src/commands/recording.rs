//! Commands of the measuring, result, questionnaire, plan and history
//! screens. Whoever is recording (patient, relative, or the nurse in
//! training) comes from the app state, never from the webview alone.

use std::{collections::BTreeMap, time::Duration};

use heima_core::{
    clock::Clock,
    demo,
    devices::{
        session::{self, SessionConfig, StoreSink},
        simulator::SimulatedLink,
    },
    error::CoreError,
    manual::{self, Field},
    plan::{CarePlan, MeasurementKind},
    questionnaire::{Answer, AnswerProblem, Answers, Item, Questionnaire},
    recording::{self, AnswersRefused, EntryRefused, History, QuestionnaireResult},
    store::readings::EnteredBy,
    today::LatestResult,
};
use jiff::Timestamp;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use super::{new_identifier, random_bytes, with_store, with_store_mut};
use crate::AppState;

/// How long the Mål screen waits for a real device's reading.
const DEVICE_WAIT: Duration = Duration::from_secs(180);

/// The manual entry form's fields for a kind.
#[tauri::command]
pub fn measure_fields(kind: MeasurementKind) -> Vec<Field> {
    manual::fields(kind)
}

/// Who takes the next readings and answers: `patient` or `relative`.
#[tauri::command]
pub fn set_taken_by(state: State<'_, AppState>, taken_by: EnteredBy) -> Result<(), CoreError> {
    if taken_by == EnteredBy::NurseTraining {
        return Err(CoreError::new("nurse-locked", "training is switched on in the nurse screen"));
    }
    *state.taken_by.lock().unwrap() = taken_by;
    Ok(())
}

fn result_of(state: &AppState, id: i64) -> Result<LatestResult, CoreError> {
    with_store(state, |store| recording::reading_result(store, &state.clock, id))?
        .ok_or_else(|| CoreError::new("store-failed", "no plan to judge by"))
}

/// The newest version of a questionnaire the service sent.
fn load_questionnaire(state: &AppState, id: &str) -> Result<Questionnaire, CoreError> {
    with_store(state, |store| Ok(heima_core::fhir::questionnaire::load(store, id)?))?
        .ok_or_else(|| CoreError::new("questionnaire-invalid", format!("no questionnaire {id}")))
}

/// Takes a reading with a device. In demo mode a simulated device of that
/// kind sends a reading through the real decoders and session; with a
/// real service the screen waits for the paired device's next reading
/// (the device watch stores it).
#[tauri::command]
pub async fn measure_with_device(app: AppHandle, kind: MeasurementKind) -> Result<LatestResult, CoreError> {
    let state = app.state::<AppState>();
    let started = state.clock.now();
    if state.settings.lock().unwrap().is_demo() {
        let wobble = u16::from_le_bytes(random_bytes::<2>()?);
        let device = demo::devices::device(kind, wobble)
            .ok_or_else(|| CoreError::new("measure-no-device", format!("{kind:?}")))?;
        // The cuff pumps, the scale settles: a moment before the value comes.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let handle = app.clone();
        let id = tauri::async_runtime::spawn_blocking(move || -> Result<Option<i64>, CoreError> {
            let state = handle.state::<AppState>();
            let entered_by = state.recorder();
            let tz = state.clock.time_zone();
            let mut guard = state.store.lock().unwrap();
            let store = guard.as_mut().ok_or_else(|| CoreError::new("store-failed", "the store is not open"))?;
            let (id, service, _, name) = demo::devices::identity(kind).expect("a demo device exists");
            store.pair_device(id, &format!("{service:04x}"), name, state.clock.now())?;
            let plan = heima_core::fhir::careplan::in_force(store, state.clock.now(), &tz)?;
            let config = SessionConfig {
                device_id: id,
                time_zone: &tz,
                clock: &state.clock,
                last_sequence: None,
                set_clock: false,
                wait: Duration::from_millis(50),
            };
            let mut link = SimulatedLink::new(device);
            let mut sink = StoreSink { store, device_id: id, entered_by, clock: &state.clock, plan: plan.as_ref() };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .map_err(|e| CoreError::new("store-failed", e.to_string()))?;
            let report = runtime.block_on(session::run(&mut link, &config, &mut sink));
            if let Some((_, error)) = report.bad_packets.first() {
                return Err(CoreError::new(error.code(), error.to_string()));
            }
            // The newest reading of the kind.
            Ok(store.readings(kind, started, Timestamp::MAX)?.into_iter().map(|r| r.id).max())
        })
        .await
        .map_err(|e| CoreError::new("store-failed", e.to_string()))??;
        let id = id.ok_or_else(|| CoreError::new("measure-timeout", "the demo device sent nothing"))?;
        return result_of(&state, id);
    }
    let deadline = std::time::Instant::now() + DEVICE_WAIT;
    loop {
        // Stored records can carry an older device time; a month back is plenty.
        let since = started - jiff::SignedDuration::from_hours(24 * 31);
        let newest = with_store(&state, |store| {
            Ok(store
                .readings(kind, since, Timestamp::MAX)?
                .into_iter()
                .filter(|r| r.received >= started)
                .map(|r| r.id)
                .max())
        })?;
        if let Some(id) = newest {
            return result_of(&state, id);
        }
        if std::time::Instant::now() > deadline {
            return Err(CoreError::new("measure-timeout", "no reading from the device in time"));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Why typed values were refused, or the result.
#[derive(Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum EntryOutcome {
    Stored { result: LatestResult },
    Refused { problems: Vec<manual::EntryProblem> },
}

/// Stores a reading typed by hand (values by LOINC code, as typed).
#[tauri::command]
pub fn enter_reading(
    state: State<'_, AppState>,
    kind: MeasurementKind,
    values: BTreeMap<String, String>,
) -> Result<EntryOutcome, CoreError> {
    let entered_by = state.recorder();
    let outcome = with_store_mut(&state, |store| {
        match recording::record_manual(store, &state.clock, kind, &values, entered_by) {
            Ok(result) => Ok(EntryOutcome::Stored { result }),
            Err(EntryRefused::Typed(problems)) => Ok(EntryOutcome::Refused { problems }),
            Err(EntryRefused::Failed(error)) => Err(error),
        }
    })?;
    if matches!(outcome, EntryOutcome::Stored { .. }) {
        state.sync_wake.notify_one();
    }
    Ok(outcome)
}

/// One stored reading for the result screen.
#[tauri::command]
pub fn reading(state: State<'_, AppState>, id: i64) -> Result<LatestResult, CoreError> {
    result_of(&state, id)
}

#[tauri::command]
pub fn questionnaire(state: State<'_, AppState>, id: String) -> Result<Questionnaire, CoreError> {
    load_questionnaire(&state, &id)
}

/// The items to show, in order, given the answers so far (`enableWhen`).
#[tauri::command]
pub fn questionnaire_screens(state: State<'_, AppState>, id: String, answers: Answers) -> Result<Vec<Item>, CoreError> {
    let q = load_questionnaire(&state, &id)?;
    Ok(q.screens(&answers).into_iter().cloned().collect())
}

/// Checks one answer before "next".
#[tauri::command]
pub fn check_answer(
    state: State<'_, AppState>,
    id: String,
    link_id: String,
    answer: Answer,
) -> Result<Option<AnswerProblem>, CoreError> {
    let q = load_questionnaire(&state, &id)?;
    Ok(q.check_answer(&link_id, &answer).err())
}

#[derive(Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum AnswersOutcome {
    Stored { result: Box<QuestionnaireResult> },
    Refused { problems: Vec<AnswerProblem> },
}

/// Sends the answers (after the summary).
#[tauri::command]
pub fn submit_answers(state: State<'_, AppState>, id: String, answers: Answers) -> Result<AnswersOutcome, CoreError> {
    let q = load_questionnaire(&state, &id)?;
    let entered_by = state.recorder();
    let identifier = new_identifier("response")?;
    let outcome = with_store_mut(&state, |store| {
        match recording::submit_answers(store, &state.clock, &q, &answers, entered_by, &identifier) {
            Ok(result) => Ok(AnswersOutcome::Stored { result: Box::new(result) }),
            Err(AnswersRefused::Answers(problems)) => Ok(AnswersOutcome::Refused { problems }),
            Err(AnswersRefused::Failed(error)) => Err(error),
        }
    })?;
    state.sync_wake.notify_one();
    Ok(outcome)
}

/// The self-care plan in force, with the questionnaires' titles.
#[derive(Serialize)]
pub struct PlanView {
    pub plan: CarePlan,
    pub questionnaire_titles: BTreeMap<String, heima_core::questionnaire::Text>,
}

#[tauri::command]
pub fn plan(state: State<'_, AppState>) -> Result<Option<PlanView>, CoreError> {
    with_store(&state, |store| {
        let Some(plan) = heima_core::fhir::careplan::in_force(store, state.clock.now(), &state.clock.time_zone())?
        else {
            return Ok(None);
        };
        let mut titles = BTreeMap::new();
        for a in &plan.activities {
            if let heima_core::plan::ActivityKind::Questionnaire { questionnaire } = &a.kind {
                if let Some(q) = heima_core::fhir::questionnaire::load(store, questionnaire)? {
                    titles.insert(questionnaire.clone(), q.title);
                }
            }
        }
        Ok(Some(PlanView { plan, questionnaire_titles: titles }))
    })
}

/// Readings of a kind over the last `days` days, with the patient's limits.
#[tauri::command]
pub fn history(state: State<'_, AppState>, kind: MeasurementKind, days: u16) -> Result<History, CoreError> {
    with_store(&state, |store| recording::history(store, &state.clock, kind, days.clamp(1, 366)))
}
