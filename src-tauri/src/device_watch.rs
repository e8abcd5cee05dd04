//! Background loop that brings readings in without the patient doing
//! anything but measuring: every little while it scans for the paired
//! devices' services, connects to those in range, and runs a device session
//! (clock, stored records, live readings) into the store. Only counts are
//! logged, never readings.

use std::time::Duration;

use heima_core::{
    clock::{Clock, SystemClock},
    devices::{
        session::{self, ReadingSink, SessionConfig, StoreSink},
        transport::{Scanner, Transport},
    },
    measurement::Measurement,
    plan::CarePlan,
};
use tauri::{AppHandle, Manager};

use crate::{bluetooth::BtleScanner, AppState};

const PAUSE: Duration = Duration::from_secs(30);
const SCAN_FOR: Duration = Duration::from_secs(8);
const QUIET_AFTER: Duration = Duration::from_secs(20);

/// Stores through the app's shared store, locking it only per record.
struct SharedStoreSink<'a> {
    app: &'a AppHandle,
    device_id: &'a str,
    /// The plan in force; `None` when an enrolled tablet has none yet.
    plan: Option<&'a CarePlan>,
}

impl ReadingSink for SharedStoreSink<'_> {
    fn store(&mut self, measurements: &[Measurement], sequence: Option<u16>) -> Result<(), String> {
        let state = self.app.state::<AppState>();
        let mut guard = state.store.lock().unwrap();
        let store = guard.as_mut().ok_or("the store is not open")?;
        // The core's sink judges, stores and advances the registry.
        // Whoever the Mål screen says is measuring (training overrides).
        let entered_by = state.recorder();
        StoreSink { store, device_id: self.device_id, entered_by, clock: &SystemClock, plan: self.plan }
            .store(measurements, sequence)?;
        // Send it on now rather than at the next minute.
        state.sync_wake.notify_one();
        Ok(())
    }
}

/// Runs forever; returns only if there is no Bluetooth adapter at all.
pub async fn watch(app: AppHandle) {
    let mut scanner = match BtleScanner::new().await {
        Ok(scanner) => scanner,
        Err(e) => {
            log::info!("device watch not started: {e}");
            return;
        }
    };
    loop {
        tokio::time::sleep(PAUSE).await;
        let paired = {
            let state = app.state::<AppState>();
            let guard = state.store.lock().unwrap();
            match guard.as_ref().map(|s| s.paired_devices()) {
                Some(Ok(devices)) => devices,
                _ => continue,
            }
        };
        if paired.is_empty() {
            continue;
        }
        let services: Vec<u16> = paired.iter().filter_map(|d| u16::from_str_radix(&d.service, 16).ok()).collect();
        let in_range = match scanner.scan(&services, SCAN_FOR).await {
            Ok(found) => found,
            Err(e) => {
                log::warn!("scan failed: {e}");
                continue;
            }
        };
        for device in paired.iter().filter(|d| in_range.iter().any(|a| a.id == d.id)) {
            sync_one(&app, &mut scanner, &device.id, device.last_sequence).await;
        }
    }
}

/// The plan in force now (the demo's, in demo mode).
fn plan_in_force(app: &AppHandle, clock: &SystemClock) -> Option<CarePlan> {
    let state = app.state::<AppState>();
    let guard = state.store.lock().unwrap();
    guard
        .as_ref()
        .and_then(|store| heima_core::fhir::careplan::in_force(store, clock.now(), &clock.time_zone()).ok().flatten())
}

async fn sync_one(app: &AppHandle, scanner: &mut BtleScanner, device_id: &str, last_sequence: Option<u16>) {
    let mut link = match scanner.connect(device_id).await {
        Ok(link) => link,
        Err(e) => {
            log::warn!("connect failed: {e}");
            return;
        }
    };
    let clock = SystemClock;
    let tz = clock.time_zone();
    let plan = plan_in_force(app, &clock);
    let config =
        SessionConfig { device_id, time_zone: &tz, clock: &clock, last_sequence, set_clock: true, wait: QUIET_AFTER };
    let mut sink = SharedStoreSink { app, device_id, plan: plan.as_ref() };
    let offered = link.characteristics().len();
    let report = session::run(&mut link, &config, &mut sink).await;
    log::info!(
        "device session: {offered} characteristics, {} readings stored, {} duplicates, {} bad packets, transfer {:?}, ended {:?}",
        report.measurements_stored,
        report.duplicates_skipped,
        report.bad_packets.len(),
        report.transfer,
        report.ended
    );
    {
        let state = app.state::<AppState>();
        let guard = state.store.lock().unwrap();
        if let Some(store) = guard.as_ref() {
            if let Err(e) = session::remember(store, device_id, &report, clock.now()) {
                log::warn!("registry update failed: {e}");
            }
        }
    }
    link.disconnect().await;
}
