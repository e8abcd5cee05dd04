//! The commands the webview may call. Each one turns JSON into a core call
//! and the result back into JSON; errors go out as [`CoreError`] codes.
//! Keep the list in step with `build.rs` and `capabilities/main.json`.

pub mod call;
pub mod messages;
pub mod nurse;
pub mod recording;

use std::time::Duration;

use heima_core::{
    clock::Clock,
    devices::BluetoothStatus,
    enrolment::{authorize_url, parse_activation, Enrolment, Pkce},
    error::CoreError,
    locale::{self, Locale},
    settings::{ServiceEnrolment, Settings, TextSize},
    store::Store,
    sync::{client::Progress, client::SyncError, enrol},
    today::{self, TodayView},
};
use jiff::Timestamp;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::{load_store_key, service_secret, settings_file, store_file, sync_loop::REVOKED_SETTING, AppState};

/// Environment variable naming the activation endpoint for codes typed by
/// hand (a QR code carries its own).
pub const ENROL_ENDPOINT_ENV: &str = "HEIMA_ENROL_ENDPOINT";
const NETWORK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the login page in the browser may take.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(600);

fn sync_error(e: SyncError) -> CoreError {
    CoreError::new(e.code(), e.to_string())
}

/// Runs `f` on the open store (store errors convert with `?`).
pub(crate) fn with_store<T>(state: &AppState, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> Result<T, CoreError> {
    let guard = state.store.lock().unwrap();
    let store = guard.as_ref().ok_or_else(|| CoreError::new("store-failed", "the store is not open"))?;
    f(store)
}

/// Runs `f` on the open store, mutably.
pub(crate) fn with_store_mut<T>(
    state: &AppState,
    f: impl FnOnce(&mut Store) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    let mut guard = state.store.lock().unwrap();
    let store = guard.as_mut().ok_or_else(|| CoreError::new("store-failed", "the store is not open"))?;
    f(store)
}

/// A fresh random identifier (hex), for records the app creates.
pub(crate) fn new_identifier(prefix: &str) -> Result<String, CoreError> {
    let bytes = random_bytes::<16>()?;
    Ok(format!("{prefix}/{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// The today screen: the plan's tasks for the patient's current day, or
/// `null` while the service has sent no plan yet.
#[tauri::command]
pub fn today(state: State<'_, AppState>) -> Result<Option<TodayView>, CoreError> {
    let demo = state.settings.lock().unwrap().is_demo();
    let name = demo.then_some(state.demo.patient_name.as_str());
    with_store(&state, |store| Ok(today::view(store, &state.clock, demo, name)?))
}

/// The connection with the follow-up service, for the settings screen and
/// the "ask your nurse" screen.
#[derive(Serialize)]
pub struct ServiceStatusView {
    /// `demo`, `enrolled` or `revoked`.
    pub mode: &'static str,
    pub service_name: Option<String>,
    /// The service's phone number from the plan in force.
    pub phone: Option<String>,
    pub waiting: i64,
    pub sent: i64,
    pub progress: Option<Progress>,
    pub running: bool,
    pub last_error: Option<&'static str>,
    pub last_success: Option<Timestamp>,
    /// Replies the patient has not seen (the badge).
    pub unread: i64,
    /// Training mode is on: banner on every screen.
    pub training: bool,
    pub nurse_unlocked: bool,
    /// Demo mode's nurse code, shown on the nurse lock screen (demo only).
    pub demo_nurse_code: Option<&'static str>,
}

#[tauri::command]
pub fn service_status(state: State<'_, AppState>) -> Result<ServiceStatusView, CoreError> {
    let demo = state.settings.lock().unwrap().is_demo();
    let sync = state.sync.lock().unwrap().clone();
    // Without a store (its problem is among the start-up notices) the
    // screens still get a status: nothing sent, nothing waiting.
    let (outbox, plan, unread) = with_store(&state, |store| {
        Ok((
            store.outbox_status()?,
            heima_core::fhir::careplan::in_force(store, state.clock.now(), &state.clock.time_zone())?,
            store.unread_messages()?,
        ))
    })
    .unwrap_or((heima_core::store::outbox::OutboxStatus { waiting: 0, sent: 0 }, None, 0));
    let service_name = if demo { None } else { service_secret::load().ok().flatten().and_then(|e| e.service_name) };
    Ok(ServiceStatusView {
        mode: if demo {
            "demo"
        } else if sync.revoked {
            "revoked"
        } else {
            "enrolled"
        },
        service_name: service_name.or_else(|| plan.as_ref().map(|p| p.service.name.clone())),
        phone: plan.map(|p| p.service.phone),
        waiting: if demo { 0 } else { outbox.waiting },
        sent: if demo { 0 } else { outbox.sent },
        progress: sync.progress,
        running: sync.running,
        last_error: sync.last_error,
        last_success: sync.last_success,
        unread,
        training: state.training.load(std::sync::atomic::Ordering::SeqCst),
        nurse_unlocked: state.nurse_unlocked.load(std::sync::atomic::Ordering::SeqCst),
        demo_nurse_code: (demo && std::env::var(nurse::NURSE_CODE_ENV).map_or(true, |c| c.is_empty()))
            .then_some(nurse::DEMO_NURSE_CODE),
    })
}

/// Keeps a new enrolment: tokens to the keyring, the real store opened
/// (the demo's is left behind), local history kept and what waits sent to
/// the new service, then a sync round at once.
fn finish_enrolment(state: &AppState, enrolment: Enrolment) -> Result<(), CoreError> {
    service_secret::save(&enrolment).map_err(|e| CoreError::new("store-key-unavailable", e))?;
    let key = load_store_key(&state.data_dir, false)?;
    let mut store = Store::open(&store_file(&state.data_dir, false), &key, Timestamp::now())?.store;
    store.begin_service(&enrolment.fhir_base, &enrolment.patient, Timestamp::now())?;
    store.set_setting(REVOKED_SETTING, "false")?;
    change_settings(state, |s| s.service = Some(ServiceEnrolment { base_url: enrolment.fhir_base.clone() }))?;
    *state.store.lock().unwrap() = Some(store);
    {
        let mut sync = state.sync.lock().unwrap();
        sync.revoked = false;
        sync.last_error = None;
    }
    state.sync_wake.notify_one();
    log::info!("enrolled with a follow-up service");
    Ok(())
}

/// Enrols with the activation code the nurse gave (typed, or a QR code's text).
#[tauri::command]
pub async fn enrol_with_code(state: State<'_, AppState>, code: String) -> Result<(), CoreError> {
    nurse::require_nurse(&state)?;
    let code = parse_activation(&code)?;
    let endpoint = std::env::var(ENROL_ENDPOINT_ENV).ok().filter(|e| !e.is_empty());
    let enrolment =
        enrol::activate(&code, endpoint.as_deref(), NETWORK_TIMEOUT, Timestamp::now()).await.map_err(|e| match e {
            // A refused activation code is a wrong or used code, not a revoked tablet.
            SyncError::Revoked => CoreError::new("enrol-code-invalid", "the service does not know this code"),
            other => sync_error(other),
        })?;
    finish_enrolment(&state, enrolment)
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], CoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| CoreError::new("enrol-refused", e.to_string()))?;
    Ok(b)
}

/// Enrols by logging in at the service (SMART on FHIR standalone launch):
/// the system browser opens the service's login page; its answer comes
/// back to a loopback address.
#[tauri::command]
pub async fn enrol_with_login(app: AppHandle, state: State<'_, AppState>, fhir_base: String) -> Result<(), CoreError> {
    nurse::require_nurse(&state)?;
    let fhir_base = fhir_base.trim().trim_end_matches('/').to_string();
    let smart = enrol::discover(&fhir_base, NETWORK_TIMEOUT).await.map_err(sync_error)?;
    let loopback = enrol::Loopback::bind().await.map_err(sync_error)?;
    let pkce = Pkce::new(&random_bytes::<32>()?);
    let state_param: String = random_bytes::<16>()?.iter().map(|b| format!("{b:02x}")).collect();
    let url = authorize_url(&smart, &fhir_base, &loopback.redirect_uri, &state_param, &pkce)?;
    let redirect_uri = loopback.redirect_uri.clone();
    app.opener().open_url(&url, None::<&str>).map_err(|e| CoreError::new("enrol-refused", e.to_string()))?;
    let locale = state.settings.lock().unwrap().locale;
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>Heima</title><p style=\"font: 28px sans-serif\">{}</p>",
        locale::format(locale, "enrol-browser-done", &[])
    );
    let code = loopback.wait(&state_param, &page, LOGIN_TIMEOUT).await.map_err(sync_error)?;
    let enrolment = enrol::exchange_code(
        &smart,
        &fhir_base,
        &code,
        &redirect_uri,
        &pkce.verifier,
        NETWORK_TIMEOUT,
        Timestamp::now(),
    )
    .await
    .map_err(sync_error)?;
    finish_enrolment(&state, enrolment)
}

/// Tries to send what waits now (the "send now" button).
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) {
    state.sync_wake.notify_one();
}

/// Settings plus anything found at start-up that the user should be told.
#[derive(Serialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub notices: Vec<CoreError>,
}

#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> SettingsView {
    SettingsView {
        settings: state.settings.lock().unwrap().clone(),
        notices: std::mem::take(&mut *state.startup_notices.lock().unwrap()),
    }
}

/// Applies a change to the settings and remembers it. The change is saved
/// before the call returns; if saving fails, the old settings stay.
fn change_settings(state: &AppState, change: impl FnOnce(&mut Settings)) -> Result<Settings, CoreError> {
    let mut settings = state.settings.lock().unwrap();
    let mut changed = settings.clone();
    change(&mut changed);
    settings_file::save(&state.data_dir, &changed)?;
    *settings = changed.clone();
    Ok(changed)
}

/// Switches the language.
#[tauri::command]
pub fn set_locale(state: State<'_, AppState>, tag: String) -> Result<Settings, CoreError> {
    let locale = Locale::from_tag(&tag)?;
    change_settings(&state, |s| s.locale = locale)
}

/// Sets the text size (`normal`, `large`, `largest`) and high contrast.
#[tauri::command]
pub fn set_display(
    state: State<'_, AppState>,
    text_size: TextSize,
    high_contrast: bool,
) -> Result<Settings, CoreError> {
    change_settings(&state, |s| {
        s.text_size = text_size;
        s.high_contrast = high_contrast;
    })
}

/// The Fluent sources of a locale, for the UI to format.
#[tauri::command]
pub fn locale_sources(tag: String) -> Result<Vec<&'static str>, CoreError> {
    Ok(Locale::from_tag(&tag)?.resources().iter().map(|(_, text)| *text).collect())
}

#[tauri::command]
pub fn bluetooth_status(state: State<'_, AppState>) -> BluetoothStatus {
    state.bluetooth.lock().unwrap().clone()
}
