//! Background loop that brings readings in without the patient doing
//! anything but measuring: when the core says a scan is useful
//! (`scan_wanted`: just after start, while measuring, around a measuring
//! task, otherwise every ten minutes) it scans for the paired devices'
//! services, connects to those in range, and lets the core run a device
//! session into the store. Only counts and kinds of failure are logged,
//! never readings or device addresses.

use std::time::Duration;

use heima_core::{
    app::SessionWith,
    devices::transport::{Scanner, Transport},
};
use tauri::{AppHandle, Manager};

use crate::{bluetooth::BtleScanner, AppState};

/// How often the loop asks the core whether to scan.
const ASK_EVERY: Duration = Duration::from_secs(15);
const SCAN_FOR: Duration = Duration::from_secs(8);

/// Runs forever; returns only if there is no Bluetooth adapter at all.
pub async fn watch(app: AppHandle) {
    let mut scanner = match BtleScanner::new().await {
        Ok(scanner) => scanner,
        Err(e) => {
            log::info!("device watch not started: {}", e.kind());
            return;
        }
    };
    loop {
        tokio::time::sleep(ASK_EVERY).await;
        let state = app.state::<AppState>();
        let Ok(paired) = state.paired_devices() else { continue };
        if paired.is_empty() || state.scan_wanted().is_none() {
            continue;
        }
        let services: Vec<u16> = paired.iter().filter_map(|d| u16::from_str_radix(&d.service, 16).ok()).collect();
        let in_range = match scanner.scan(&services, SCAN_FOR).await {
            Ok(found) => found,
            Err(e) => {
                log::warn!("scan failed: {}", e.kind());
                continue;
            }
        };
        for device in paired.iter().filter(|d| in_range.iter().any(|a| a.id == d.id)) {
            let mut link = match scanner.connect(&device.id).await {
                Ok(link) => link,
                Err(e) => {
                    log::warn!("connect failed: {}", e.kind());
                    continue;
                }
            };
            let offered = link.characteristics().len();
            let with = SessionWith::Paired { last_sequence: device.last_sequence };
            let report = state.take_readings(&mut link, &device.id, with).await;
            log::info!(
                "device session: {offered} characteristics, {} readings stored, {} duplicates, {} bad packets, transfer {:?}, ended {:?}",
                report.measurements_stored,
                report.duplicates_skipped,
                report.bad_packets.len(),
                report.transfer,
                report.ended
            );
            link.disconnect().await;
        }
    }
}
