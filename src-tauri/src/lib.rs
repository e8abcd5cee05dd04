//! Heima's Tauri shell. It knows Tauri, holds no logic of its own and only
//! wires: it builds the core's [`heima_core::app::App`] ([`AppState`], with
//! the OS adapters: [`platform`], [`bluetooth`], GStreamer media), registers
//! the commands (each a state lookup and one core call, in [`commands`]) and
//! the plugins, spawns the core's loops on Tauri's runtime (giving the
//! device watch its Bluetooth scanner) and the Bluetooth probe, and hands
//! the core's changes on ([`changes`]).
//!
//! Also here: one running copy per data folder
//! (tauri-plugin-single-instance: a second start brings the window forward
//! and hands over its arguments, then exits); `heima-enrol:` links
//! (tauri-plugin-deep-link, at start and from a second start), handed to the
//! core for the nurse's enrolment form; the log (tauri-plugin-log: standard
//! error and a rotating file, 1 MB × 5, in the platform's log folder, or
//! `HEIMA_DATA_DIR/logs`); the data folder (`HEIMA_DATA_DIR`, else the
//! platform's); the core's configuration from the installation's files and,
//! in debug builds only, the environment ([`environment`]: a release build
//! reads no `HEIMA_*` variable). The crate is also a `staticlib`
//! and `cdylib` and [`run`] is the mobile entry point, as Tauri's mobile
//! targets need; the keyring's backend is chosen per target in `Cargo.toml`
//! (`docs/platforms.md`).

pub mod bluetooth;
pub mod changes;
pub mod commands;
pub mod crash;
pub mod environment;
pub mod identity;
pub mod installation_file;
pub mod platform;
pub mod settings_file;
pub mod speech;
pub mod startup;
pub mod webview_env;

use std::{path::PathBuf, sync::Arc};

use environment::{shell_variable, variable, ShellVariable};
use heima_core::app::{App, AppConfig, StartAtLogin, Variable, WindowClose};
use heima_media::Gstreamer;
use tauri::Manager;

/// The app's state: the core's app with the OS platform and GStreamer media.
pub type AppState = App<platform::OsPlatform, Gstreamer>;

/// The data folder: `HEIMA_DATA_DIR`, else the platform's local (never
/// roaming) folder for the app's identifier: a patient's database stays on
/// this tablet, not in a Windows profile copied to other machines. On Linux
/// and macOS local and roaming are the same folder.
fn data_dir(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(dir) = shell_variable(ShellVariable::DataDir) {
        return Ok(PathBuf::from(dir));
    }
    Ok(app.path().app_local_data_dir()?)
}

/// Moves the old identifier's data folder to the new one, before the
/// webview makes its own files in the new folder. What it did is logged
/// once the log is up. Its secrets follow in `setup`, tried at every start
/// until none is left under the old name.
fn move_from_old_identifier() -> Vec<(log::Level, String)> {
    let mut said = vec![];
    if shell_variable(ShellVariable::DataDir).is_none() {
        if let Some(platform_data) = dirs::data_local_dir() {
            let (old, new) = (platform_data.join(identity::OLD_IDENTIFIER), platform_data.join(identity::IDENTIFIER));
            match identity::move_data_folder(&old, &new) {
                Ok(identity::FolderMove::Moved) => {
                    said.push((log::Level::Info, "data folder moved to the new identifier".to_string()))
                }
                Ok(identity::FolderMove::BothKept) => {
                    said.push((log::Level::Warn, "a data folder under the old identifier is left as it is".to_string()))
                }
                Ok(identity::FolderMove::NoOldFolder) => {}
                Err(e) => said.push((log::Level::Warn, format!("the old data folder could not be moved: {e}"))),
            }
        }
    }
    said
}

/// One running copy per data folder: a second start brings the first
/// window forward and hands over its arguments (a `heima-enrol:` link goes
/// on to the deep-link plugin), then exits. With `HEIMA_DATA_DIR` (tests)
/// the name is the folder's, so separate test apps do not meet.
#[cfg(desktop)]
fn one_copy() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let mut builder =
        tauri_plugin_single_instance::Builder::new().callback(|app, _argv, _cwd| changes::bring_forward(app));
    if let Some(dir) = shell_variable(ShellVariable::DataDir) {
        use std::hash::{Hash, Hasher};
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        dir.hash(&mut hash);
        builder = builder.dbus_id(format!("{}.t{:016x}", identity::IDENTIFIER, hash.finish()));
    }
    builder.build()
}

/// Makes the desktop start Heima at login, or no longer, as the core says;
/// the entry is written anew at each start that wants it (a user's edit
/// does not keep it off). A phone or tablet OS has no such thing: there
/// the OS starts the app for its notifications.
#[cfg(mobile)]
fn start_at_login(_app: &tauri::App, _wanted: StartAtLogin) {}

#[cfg(desktop)]
fn start_at_login(app: &tauri::App, wanted: StartAtLogin) {
    use tauri_plugin_autostart::ManagerExt;
    let autostart = app.autolaunch();
    let result = match wanted {
        StartAtLogin::Yes => autostart.enable(),
        StartAtLogin::No => match autostart.is_enabled() {
            Ok(true) => autostart.disable(),
            other => other.map(|_| ()),
        },
        StartAtLogin::UsersChoice => Ok(()),
    };
    match result {
        Ok(()) => log::info!("start at login: {wanted:?}"),
        Err(e) => log::warn!("start at login not set: {e}"),
    }
}

/// Hands `heima-enrol:` links (at start, or later through a second start)
/// to the core, which keeps a readable one for the nurse's form.
fn watch_links(app: &tauri::App) {
    use tauri_plugin_deep_link::DeepLinkExt;
    let take = |handle: &tauri::AppHandle, urls: Vec<url::Url>| {
        for url in urls {
            let kept = handle.state::<AppState>().link_arrived(url.as_str());
            log::info!("a link arrived; kept for the enrolment form: {kept}");
        }
    };
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        take(app.handle(), urls);
    }
    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| take(&handle, event.urls()));
}

/// The log: standard error and a rotating file (1 MB, five kept) in the
/// platform's log folder — in `HEIMA_DATA_DIR/logs` when that is set.
fn log_plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    let file = match shell_variable(ShellVariable::DataDir) {
        Some(dir) => TargetKind::Folder { path: PathBuf::from(dir).join("logs"), file_name: Some("heima".into()) },
        None => TargetKind::LogDir { file_name: Some("heima".into()) },
    };
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([Target::new(TargetKind::Stderr), Target::new(file)])
        .level(log::LevelFilter::Info)
        .level_for("rtc", log::LevelFilter::Warn)
        .level_for("webrtc", log::LevelFilter::Warn)
        // It logs every protocol line at debug: the words read aloud.
        .level_for("ssip_client", log::LevelFilter::Off)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .max_file_size(1_000_000)
        .build()
}

/// Starts the app and blocks until it ends: its window closed when nothing
/// is waiting for the patient (on a phone or tablet OS, the entry point the
/// mobile shell calls).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let moved = move_from_old_identifier();
    let builder = tauri::Builder::default();
    #[cfg(desktop)]
    let builder = builder.plugin(one_copy()).plugin(tauri_plugin_autostart::Builder::new().build());
    builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(log_plugin())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let close = window.try_state::<AppState>().map_or(WindowClose::Quit, |app| app.window_close());
                log::info!("window closed: {close:?}");
                match close {
                    WindowClose::Quit => {}
                    WindowClose::Hide => {
                        api.prevent_close();
                        let _ = window.hide();
                        let handle = window.app_handle().clone();
                        tauri::async_runtime::spawn(async move { handle.state::<AppState>().window_hidden().await });
                    }
                    WindowClose::Stay => api.prevent_close(),
                }
            }
        })
        .setup(move |app| {
            crash::install_hook();
            for (level, said) in &moved {
                log::log!(*level, "{said}");
            }
            // Every start, until nothing is left under the old name.
            platform::move_old_secrets();
            let data_dir = data_dir(app)?;
            let system_config =
                variable(Variable::SystemConfig).map(PathBuf::from).unwrap_or_else(installation_file::system_path);
            let (installation, mut notices) = installation_file::read(system_config);
            let lookup = variable;
            let runtime = tauri::async_runtime::handle().inner().clone();
            let mut config = AppConfig::from_installation(
                &installation,
                lookup,
                data_dir.clone(),
                Arc::new(platform::OsClock),
                runtime,
                &mut notices,
            );
            config.speech = speech::platform_speech(shell_variable(ShellVariable::SpeechLog).map(PathBuf::from));
            let (settings, notice) = settings_file::load(&data_dir, config.new_tablet_settings());
            notices.extend(notice);
            // A kiosk desktop: full screen without window controls (a
            // mobile OS's kiosk is its own: screen pinning, guided access).
            #[cfg(desktop)]
            if config.kiosk {
                if let Some(window) = app.get_webview_window("main") {
                    window.set_fullscreen(true)?;
                    window.set_decorations(false)?;
                    log::info!("kiosk: full screen without window controls");
                }
            }
            let platform = platform::OsPlatform { data_dir };
            app.manage(AppState::start(platform, Arc::new(Gstreamer), config, settings, notices));
            log::info!("started; mode: {:?}", app.state::<AppState>().mode());
            start_at_login(app, app.state::<AppState>().start_at_login());
            watch_links(app);
            tauri::async_runtime::spawn(changes::notify(app.handle().clone()));
            // The core's loops, each on Tauri's runtime for as long as the app runs.
            macro_rules! spawn_loop {
                ($run:ident) => {{
                    let handle = app.handle().clone();
                    tauri::async_runtime::spawn(async move { handle.state::<AppState>().$run().await });
                }};
            }
            spawn_loop!(run_sync);
            spawn_loop!(run_push);
            spawn_loop!(run_reminders);
            spawn_loop!(run_call_watch);
            spawn_loop!(run_nurse_lock);
            spawn_loop!(run_call_screen);
            spawn_loop!(run_qr_scan);
            // The device watch probes Bluetooth itself, at once and again
            // after it failed, so BlueZ may come and go.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                handle.state::<AppState>().run_device_watch(bluetooth::BtleRadio).await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::today,
            commands::settings,
            commands::set_locale,
            commands::set_display,
            commands::set_reminder_sound,
            commands::try_reminder_sound,
            commands::read_aloud,
            commands::stop_reading,
            commands::locale_sources,
            commands::bluetooth_status,
            commands::service_status,
            commands::enrol_with_code,
            commands::enrol_with_login,
            commands::confirm_enrolment,
            commands::cancel_enrolment,
            commands::sync_now,
            commands::arrived_link,
            commands::listen_changes,
            commands::restart,
            commands::recording::measure_form,
            commands::recording::set_taken_by,
            commands::recording::recorders,
            commands::recording::measure_with_device,
            commands::recording::enter_reading,
            commands::recording::reading,
            commands::recording::questionnaire,
            commands::recording::questionnaire_screens,
            commands::recording::check_answer,
            commands::recording::submit_answers,
            commands::recording::plan,
            commands::recording::measuring,
            commands::recording::plan_change_seen,
            commands::recording::privacy_notice_read,
            commands::recording::mark_result_read,
            commands::recording::measurement_kinds,
            commands::recording::demo_background_reading,
            commands::recording::save_export,
            commands::recording::history,
            commands::recording::answers_history,
            commands::recording::take_colour_medicine,
            commands::recording::take_dose,
            commands::recording::appointments,
            commands::photos::photo_camera_start,
            commands::photos::photo_camera_stop,
            commands::photos::photo_pictures,
            commands::photos::photo_take,
            commands::photos::photo_from_file,
            commands::photos::photo_waiting,
            commands::photos::photo_keep,
            commands::photos::photo_discard,
            commands::photos::photos,
            commands::photos::photo_picture,
            commands::call::appointment_join,
            commands::messages::messages,
            commands::messages::send_message,
            commands::messages::mark_messages_read,
            commands::nurse::nurse_unlock,
            commands::nurse::nurse_lock,
            commands::nurse::nurse_page_left,
            commands::nurse::qr_scan_start,
            commands::nurse::qr_scan_stop,
            commands::nurse::qr_scan_view,
            commands::nurse::qr_scan_pictures,
            commands::nurse::set_training,
            commands::nurse::find_devices,
            commands::nurse::pair_device,
            commands::nurse::paired_devices,
            commands::nurse::end_checklist,
            commands::nurse::end_follow_up,
            commands::call::call_status,
            commands::call::call_start,
            commands::call::call_answer,
            commands::call::call_hang_up,
            commands::call::call_set_muted,
            commands::call::call_set_camera,
            commands::call::call_pictures,
            commands::call::call_demo_ring,
            startup::ui_ready,
        ])
        .run(tauri::generate_context!())
        .expect("Heima could not start its window");
}
