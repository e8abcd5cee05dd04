//! Commands of the measuring, result, questionnaire, plan and history
//! screens (Mål, Resultat, Spørsmål, Min plan, Historikk), over
//! `heima_core::app`: who measures, measuring with a device or by hand,
//! results, questionnaires, the plan, and `save_export` (the patient's
//! record as a FHIR file in their documents folder, owner-only).

use std::collections::BTreeMap;

use heima_core::{
    app::{AnswersOutcome, EntryOutcome, FormFor, PlanView, Recorders},
    appointments::AppointmentList,
    error::{CoreError, ErrorCode},
    manual::{self, EntryForm},
    plan::MeasurementKind,
    questionnaire::{Answer, AnswerProblem, Answers, Item, Questionnaire},
    recording::{AnswersHistory, History},
    results::ReadingResult,
    store::medicines::StoredMedicineTaken,
    store::readings::EnteredBy,
    vocabulary::ResultItem,
};
use tauri::State;

use crate::AppState;

/// The manual entry form for a kind: its fields and meal choices.
#[tauri::command]
pub fn measure_form(kind: MeasurementKind) -> EntryForm {
    manual::form(kind)
}

/// Who takes the next readings and answers: `patient` or `relative`, and
/// which relative of the plan's care team (`relative`: its reference).
#[tauri::command(async)]
pub fn set_taken_by(
    state: State<'_, AppState>,
    taken_by: EnteredBy,
    relative: Option<String>,
) -> Result<(), CoreError> {
    state.set_taken_by(taken_by, relative.as_deref())
}

/// Who records now, and the relatives the plan names.
#[tauri::command(async)]
pub fn recorders(state: State<'_, AppState>) -> Recorders {
    state.recorders()
}

/// The measure screen is open: the device watch looks for devices now.
#[tauri::command(async)]
pub fn measuring(state: State<'_, AppState>) {
    state.measuring();
}

/// Takes a reading with a device (the demo's simulated one in demo mode).
#[tauri::command]
pub async fn measure_with_device(
    state: State<'_, AppState>,
    kind: MeasurementKind,
) -> Result<ReadingResult, CoreError> {
    state.measure_with_device(kind).await
}

/// Stores a reading typed by hand (values by LOINC code, as typed).
#[tauri::command(async)]
pub fn enter_reading(
    state: State<'_, AppState>,
    kind: MeasurementKind,
    values: BTreeMap<String, String>,
    form_for: FormFor,
) -> Result<EntryOutcome, CoreError> {
    state.enter_reading(kind, &values, form_for)
}

/// One stored reading for the result screen.
#[tauri::command(async)]
pub fn reading(state: State<'_, AppState>, id: i64) -> Result<ReadingResult, CoreError> {
    state.reading(id)
}

#[tauri::command(async)]
pub fn questionnaire(state: State<'_, AppState>, id: String) -> Result<Questionnaire, CoreError> {
    state.questionnaire(&id)
}

/// The items to show, in order, given the answers so far (`enableWhen`).
#[tauri::command(async)]
pub fn questionnaire_screens(state: State<'_, AppState>, id: String, answers: Answers) -> Result<Vec<Item>, CoreError> {
    state.questionnaire_screens(&id, &answers)
}

/// Checks one answer before "next".
#[tauri::command(async)]
pub fn check_answer(
    state: State<'_, AppState>,
    id: String,
    link_id: String,
    answer: Answer,
) -> Result<Option<AnswerProblem>, CoreError> {
    state.check_answer(&id, &link_id, &answer)
}

/// Sends the answers (after the summary).
#[tauri::command(async)]
pub fn submit_answers(
    state: State<'_, AppState>,
    id: String,
    answers: Answers,
    form_for: FormFor,
) -> Result<AnswersOutcome, CoreError> {
    state.submit_answers(&id, &answers, form_for)
}

/// The self-care plan in force, with the questionnaires' titles.
#[tauri::command(async)]
pub fn plan(state: State<'_, AppState>) -> Result<Option<PlanView>, CoreError> {
    state.plan()
}

/// The patient has been told that the plan changed up to `version`.
#[tauri::command(async)]
pub fn plan_change_seen(state: State<'_, AppState>, version: u32) -> Result<(), CoreError> {
    state.plan_change_seen(version)
}

/// The kinds of reading the measure and history screens offer, in order.
#[tauri::command(async)]
pub fn measurement_kinds(state: State<'_, AppState>) -> Result<Vec<heima_core::plan::KindChoice>, CoreError> {
    state.measurement_kinds()
}

/// The patient has read the advice of a result.
#[tauri::command(async)]
pub fn mark_result_read(state: State<'_, AppState>, item: ResultItem) -> Result<(), CoreError> {
    state.mark_result_read(item)
}

/// Demo only: the demo's oximeter sends a reading by itself in a moment.
#[tauri::command]
pub async fn demo_background_reading(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.demo_background_reading().await
}

/// Saves the patient's own record (a FHIR Bundle) in their documents
/// folder, owner-only (the core notes it, and the end removes it);
/// returns where.
#[tauri::command(async)]
pub fn save_export(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<String, CoreError> {
    use tauri::Manager;
    let failed = |e: &dyn std::fmt::Display| CoreError::new(ErrorCode::ExportFailed, e.to_string());
    let dir = app.path().document_dir().or_else(|_| app.path().home_dir()).map_err(|e| failed(&e))?;
    Ok(state.save_copy(&dir)?.display().to_string())
}

/// The privacy notice was read.
#[tauri::command(async)]
pub fn privacy_notice_read(state: State<'_, AppState>) -> Result<(), CoreError> {
    state.privacy_notice_read()
}

/// Readings of a kind over the last `days` days, with the patient's limits.
#[tauri::command(async)]
pub fn history(state: State<'_, AppState>, kind: MeasurementKind, days: u16) -> Result<History, CoreError> {
    state.history(kind, days)
}

/// A medicine the plan gives for a result's colour was taken now.
#[tauri::command(async)]
pub fn take_colour_medicine(
    state: State<'_, AppState>,
    item: ResultItem,
    medicine: String,
) -> Result<StoredMedicineTaken, CoreError> {
    state.take_colour_medicine(item, &medicine)
}

/// Today's dose of the plan's medicine planned for `due` was taken now.
#[tauri::command(async)]
pub fn take_dose(
    state: State<'_, AppState>,
    medicine: String,
    due: jiff::Timestamp,
) -> Result<StoredMedicineTaken, CoreError> {
    state.take_dose(&medicine, due)
}

/// The appointments to come and those of the last weeks.
#[tauri::command(async)]
pub fn appointments(state: State<'_, AppState>) -> Result<AppointmentList, CoreError> {
    state.appointments()
}

/// Answers to a questionnaire over the last `days` days, with its limits.
#[tauri::command(async)]
pub fn answers_history(
    state: State<'_, AppState>,
    questionnaire: String,
    days: u16,
) -> Result<AnswersHistory, CoreError> {
    state.answers_history(&questionnaire, days)
}
