//! Heima's Tauri shell. It only wires: it builds the state, registers the
//! commands (thin JSON-to-core calls, in [`commands`]) and starts the OS
//! adapters ([`bluetooth`], [`settings_file`]). Logic lives in `heima-core`.

pub mod bluetooth;
pub mod commands;
pub mod device_watch;
pub mod reminder_loop;
pub mod settings_file;
pub mod store_key;

use std::{path::PathBuf, sync::Mutex};

use heima_core::{
    clock::SystemClock,
    demo::DemoService,
    devices::BluetoothStatus,
    error::CoreError,
    settings::Settings,
    store::{Store, StoreNotice},
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
    /// The encrypted store; `None` when it could not be opened (the reason
    /// is among the start-up notices).
    pub store: Mutex<Option<Store>>,
}

/// Opens the encrypted store in the data folder with the key from the
/// keyring (or `HEIMA_KEY_FILE`). Problems become notices for the user.
fn open_store(data_dir: &std::path::Path, settings: &Settings, notices: &mut Vec<CoreError>) -> Option<Store> {
    let key = match store_key::load() {
        Ok((key, source)) => {
            log::info!("store key from {source:?}");
            key
        }
        Err(error) if settings.is_demo() => {
            // Demo data is not real patient data; keep the demo usable on
            // machines without a keyring.
            log::warn!("keyring unavailable ({error}); demo mode keeps its key in the data folder");
            match store_key::from_file(&data_dir.join("demo-store.key")) {
                Ok(key) => key,
                Err(error) => {
                    notices.push(CoreError::new("store-key-unavailable", error));
                    return None;
                }
            }
        }
        Err(error) => {
            notices.push(CoreError::new("store-key-unavailable", error));
            return None;
        }
    };
    match Store::open(&data_dir.join("heima.db"), &key, jiff::Timestamp::now()) {
        Ok(opened) => {
            for notice in opened.notices {
                let StoreNotice::Quarantined { moved_to, .. } = notice;
                log::warn!("damaged database moved to {}", moved_to.display());
                notices.push(CoreError::new("store-quarantined", moved_to.display().to_string()));
            }
            Some(opened.store)
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
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let data_dir = data_dir(app)?;
            let (settings, notice) = settings_file::load(&data_dir);
            let mut notices: Vec<CoreError> = notice.into_iter().collect();
            let store = open_store(&data_dir, &settings, &mut notices);
            let clock = SystemClock;
            let demo = DemoService::new(&clock);
            log::info!("starting; demo mode: {}", settings.is_demo());
            app.manage(AppState {
                clock,
                data_dir,
                settings: Mutex::new(settings),
                startup_notices: Mutex::new(notices),
                demo,
                bluetooth: Mutex::new(BluetoothStatus::Checking),
                store: Mutex::new(store),
            });
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
        ])
        .run(tauri::generate_context!())
        .expect("Heima could not start its window");
}
