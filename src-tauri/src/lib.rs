//! Heima's Tauri shell. It only wires: it builds the state, registers the
//! commands (thin JSON-to-core calls, in [`commands`]) and starts the OS
//! adapters ([`bluetooth`], [`settings_file`]). Logic lives in `heima-core`.

pub mod bluetooth;
pub mod call_line;
pub mod commands;
pub mod device_watch;
pub mod reminder_loop;
pub mod service_secret;
pub mod settings_file;
pub mod startup;
pub mod store_key;
pub mod sync_loop;
pub mod webview_env;

use std::{path::PathBuf, sync::Mutex};

use heima_core::{
    clock::SystemClock,
    demo::DemoService,
    devices::BluetoothStatus,
    error::CoreError,
    settings::Settings,
    store::{readings::EnteredBy, Store, StoreNotice},
};
use tauri::Manager;

/// Environment variable that points the app at another data folder; the
/// end-to-end tests use it to start from a clean slate.
pub const DATA_DIR_ENV: &str = "HEIMA_DATA_DIR";

/// Everything the commands share.
pub struct AppState {
    pub clock: SystemClock,
    pub data_dir: PathBuf,
    pub settings: Mutex<Settings>,
    /// Problems found at start-up that the user should hear about once.
    pub startup_notices: Mutex<Vec<CoreError>>,
    pub demo: DemoService,
    pub bluetooth: Mutex<BluetoothStatus>,
    /// The encrypted store: `demo.db` in demo mode, `heima.db` once
    /// enrolled; `None` when it could not be opened (the reason is among the
    /// start-up notices).
    pub store: Mutex<Option<Store>>,
    /// What sync is doing, for the UI.
    pub sync: Mutex<sync_loop::SyncState>,
    /// Wakes the sync loop at once (enrolment, "send now", a new reading).
    pub sync_wake: tokio::sync::Notify,
    /// Who is taking readings and answering now (patient or relative).
    pub taken_by: Mutex<EnteredBy>,
    /// The nurse's training mode: everything recorded is marked as
    /// training, shown with a banner, never sent or counted. Off at start.
    pub training: std::sync::atomic::AtomicBool,
    /// The nurse has typed the nurse code since the app started.
    pub nurse_unlocked: std::sync::atomic::AtomicBool,
    /// The video call line (one call at a time).
    pub calls: call_line::CallLine,
}

impl AppState {
    /// Who a reading or answer recorded now is entered by.
    pub fn recorder(&self) -> EnteredBy {
        if self.training.load(std::sync::atomic::Ordering::SeqCst) {
            EnteredBy::NurseTraining
        } else {
            *self.taken_by.lock().unwrap()
        }
    }
}

/// The database file for a mode: the demo's data never mixes with real data.
pub fn store_file(data_dir: &std::path::Path, demo: bool) -> PathBuf {
    data_dir.join(if demo { "demo.db" } else { "heima.db" })
}

/// The store key: keyring or `HEIMA_KEY_FILE`; in demo mode, a key file in
/// the data folder when there is no keyring.
pub fn load_store_key(data_dir: &std::path::Path, demo: bool) -> Result<heima_core::store::StoreKey, CoreError> {
    match store_key::load() {
        Ok((key, source)) => {
            log::info!("store key from {source:?}");
            Ok(key)
        }
        Err(error) if demo => {
            // Demo data is not real patient data; keep the demo usable on
            // machines without a keyring.
            log::warn!("keyring unavailable ({error}); demo mode keeps its key in the data folder");
            store_key::from_file(&data_dir.join("demo-store.key"))
                .map_err(|e| CoreError::new("store-key-unavailable", e))
        }
        Err(error) => Err(CoreError::new("store-key-unavailable", error)),
    }
}

/// Opens the mode's encrypted store in the data folder (seeding the demo
/// in demo mode). Problems become notices for the user.
pub fn open_store(
    data_dir: &std::path::Path,
    demo: bool,
    demo_service: &DemoService,
    clock: &SystemClock,
    notices: &mut Vec<CoreError>,
) -> Option<Store> {
    let key = match load_store_key(data_dir, demo) {
        Ok(key) => key,
        Err(error) => {
            notices.push(error);
            return None;
        }
    };
    match Store::open(&store_file(data_dir, demo), &key, jiff::Timestamp::now()) {
        Ok(opened) => {
            for notice in opened.notices {
                let StoreNotice::Quarantined { moved_to, .. } = notice;
                log::warn!("damaged database moved to {}", moved_to.display());
                notices.push(CoreError::new("store-quarantined", moved_to.display().to_string()));
            }
            let mut store = opened.store;
            if demo {
                if let Err(error) = demo_service.seed(&mut store, clock) {
                    log::error!("demo content not seeded: {error}");
                    notices.push(error);
                }
            }
            Some(store)
        }
        Err(error) => {
            log::error!("store did not open: {error}");
            notices.push(CoreError::new(error.code(), error.to_string()));
            None
        }
    }
}

fn data_dir(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_data_dir()?)
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
            let mut notices: Vec<CoreError> = notice.into_iter().collect();
            let clock = SystemClock;
            let demo = DemoService::new(&clock);
            let store = open_store(&data_dir, settings.is_demo(), &demo, &clock, &mut notices);
            let sync = sync_loop::SyncState::at_start(store.as_ref());
            log::info!("starting; demo mode: {}", settings.is_demo());
            app.manage(AppState {
                clock,
                data_dir,
                settings: Mutex::new(settings),
                startup_notices: Mutex::new(notices),
                demo,
                bluetooth: Mutex::new(BluetoothStatus::Checking),
                store: Mutex::new(store),
                sync: Mutex::new(sync),
                sync_wake: tokio::sync::Notify::new(),
                taken_by: Mutex::new(EnteredBy::Patient),
                training: std::sync::atomic::AtomicBool::new(false),
                nurse_unlocked: std::sync::atomic::AtomicBool::new(false),
                calls: call_line::CallLine::default(),
            });
            tauri::async_runtime::spawn(call_line::watch_incoming(app.handle().clone()));
            tauri::async_runtime::spawn(sync_loop::run(app.handle().clone()));
            tauri::async_runtime::spawn(reminder_loop::run(app.handle().clone()));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let status = bluetooth::probe().await;
                log::info!("bluetooth: {status:?}");
                let available = matches!(status, BluetoothStatus::Available { .. });
                *handle.state::<AppState>().bluetooth.lock().unwrap() = status;
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
