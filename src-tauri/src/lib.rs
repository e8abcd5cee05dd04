//! Heima's Tauri shell. It only wires: it builds the core's
//! [`heima_core::app::App`] with the OS adapters ([`platform`],
//! [`bluetooth`], GStreamer media), registers the commands (each a state
//! lookup and one core call, in [`commands`]) and starts the loops' timers.

pub mod bluetooth;
pub mod call_watch;
pub mod commands;
pub mod device_watch;
pub mod platform;
pub mod reminder_loop;
pub mod settings_file;
pub mod startup;
pub mod sync_loop;
pub mod webview_env;

use std::{path::PathBuf, sync::Arc};

use heima_core::{
    app::{call_line::CallTimings, App, AppConfig},
    call::{demo_nurse::DEMO_RING, media::Source},
    clock::SystemClock,
    devices::BluetoothStatus,
    error::CoreError,
    trust::{LoopbackHttp, Trust},
};
use heima_media::Gstreamer;
use tauri::Manager;

/// The app's state: the core's app with the OS platform and GStreamer media.
pub type AppState = App<platform::OsPlatform, Gstreamer>;

/// Environment variable that points the app at another data folder; the
/// end-to-end tests use it to start from a clean slate.
pub const DATA_DIR_ENV: &str = "HEIMA_DATA_DIR";
/// Environment variable with the nurse code (demo mode has its own).
pub const NURSE_CODE_ENV: &str = "HEIMA_NURSE_CODE";
/// Environment variable naming the activation endpoint for codes typed by
/// hand (a QR code carries its own).
pub const ENROL_ENDPOINT_ENV: &str = "HEIMA_ENROL_ENDPOINT";
/// Environment variable with the trusted services, `origin=name` pairs
/// separated by `;` (until the installation's configuration file).
pub const TRUSTED_SERVICES_ENV: &str = "HEIMA_TRUSTED_SERVICES";
/// Set to `1` to allow plain http to loopback services (tests only).
pub const ALLOW_LOOPBACK_HTTP_ENV: &str = "HEIMA_ALLOW_LOOPBACK_HTTP";
/// Environment variable choosing what the patient's side of a call sends
/// instead of the camera and microphone: `test-pattern`, or `none` (as on
/// a tablet without either; the tests use both).
pub const CALL_SOURCE_ENV: &str = "HEIMA_CALL_SOURCE";

fn data_dir(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The trusted services from the environment; a broken list trusts none
/// and is told to the user.
fn trust(notices: &mut Vec<CoreError>) -> Trust {
    let loopback = if env(ALLOW_LOOPBACK_HTTP_ENV).as_deref() == Some("1") {
        LoopbackHttp::Allowed
    } else {
        LoopbackHttp::Refused
    };
    Trust::parse(&env(TRUSTED_SERVICES_ENV).unwrap_or_default(), loopback).unwrap_or_else(|error| {
        notices.push(error);
        Trust::default()
    })
}

/// The core's configuration, from the environment.
fn config(data_dir: PathBuf, notices: &mut Vec<CoreError>) -> AppConfig {
    AppConfig {
        trust: trust(notices),
        clock: Arc::new(SystemClock),
        runtime: tauri::async_runtime::handle().inner().clone(),
        data_dir,
        nurse_code: env(NURSE_CODE_ENV),
        call_source: match env(CALL_SOURCE_ENV).as_deref() {
            Some("test-pattern") => Some(Source::TestPattern),
            Some("none") => None,
            _ => Some(Source::Devices),
        },
        enrol_endpoint: env(ENROL_ENDPOINT_ENV),
        call_timings: CallTimings::default(),
        demo_ring: DEMO_RING,
    }
}

/// Starts the app and blocks until its window closes.
pub fn run() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info,rtc=warn,webrtc=warn")).init();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let data_dir = data_dir(app)?;
            let (settings, notice) = settings_file::load(&data_dir);
            let platform = platform::OsPlatform { data_dir: data_dir.clone() };
            let mut notices: Vec<CoreError> = notice.into_iter().collect();
            let config = config(data_dir, &mut notices);
            app.manage(AppState::start(platform, Arc::new(Gstreamer), config, settings, notices));
            log::info!("started; mode: {:?}", app.state::<AppState>().mode());
            tauri::async_runtime::spawn(call_watch::run(app.handle().clone()));
            tauri::async_runtime::spawn(sync_loop::run(app.handle().clone()));
            tauri::async_runtime::spawn(reminder_loop::run(app.handle().clone()));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let status = bluetooth::probe().await;
                log::info!("bluetooth: {status:?}");
                let available = matches!(status, BluetoothStatus::Available { .. });
                handle.state::<AppState>().set_bluetooth(status);
                if available {
                    device_watch::watch(handle).await;
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::today,
            commands::settings,
            commands::set_locale,
            commands::set_display,
            commands::locale_sources,
            commands::bluetooth_status,
            commands::service_status,
            commands::enrol_with_code,
            commands::enrol_with_login,
            commands::confirm_enrolment,
            commands::cancel_enrolment,
            commands::sync_now,
            commands::recording::measure_fields,
            commands::recording::set_taken_by,
            commands::recording::measure_with_device,
            commands::recording::enter_reading,
            commands::recording::reading,
            commands::recording::questionnaire,
            commands::recording::questionnaire_screens,
            commands::recording::check_answer,
            commands::recording::submit_answers,
            commands::recording::plan,
            commands::recording::history,
            commands::messages::messages,
            commands::messages::send_message,
            commands::messages::mark_messages_read,
            commands::nurse::nurse_unlock,
            commands::nurse::nurse_lock,
            commands::nurse::set_training,
            commands::nurse::find_devices,
            commands::nurse::pair_device,
            commands::nurse::paired_devices,
            commands::call::call_status,
            commands::call::call_start,
            commands::call::call_answer,
            commands::call::call_hang_up,
            commands::call::call_set_muted,
            commands::call::call_set_camera,
            commands::call::call_frame,
            commands::call::call_demo_ring,
            startup::ui_ready,
        ])
        .run(tauri::generate_context!())
        .expect("Heima could not start its window");
}
