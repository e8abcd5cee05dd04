//! The btleplug adapter. For now it finds out whether Bluetooth can be used
//! at all; a missing system bus or BlueZ daemon must never stop the app.

use std::time::Duration;

use btleplug::api::Manager as _;
use heima_core::devices::{BluetoothStatus, UnavailableReason};

/// How long to wait for the OS Bluetooth service before calling it absent.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Asks the OS for Bluetooth adapters.
pub async fn probe() -> BluetoothStatus {
    match tokio::time::timeout(PROBE_TIMEOUT, adapters()).await {
        Ok(Ok(0)) => BluetoothStatus::Unavailable { reason: UnavailableReason::NoAdapter },
        Ok(Ok(adapters)) => BluetoothStatus::Available { adapters },
        Ok(Err(e)) => {
            log::warn!("bluetooth service not reachable: {e}");
            BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }
        }
        Err(_) => {
            log::warn!("bluetooth service did not answer within {PROBE_TIMEOUT:?}");
            BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }
        }
    }
}

async fn adapters() -> Result<usize, btleplug::Error> {
    let manager = btleplug::platform::Manager::new().await?;
    Ok(manager.adapters().await?.len())
}
