//! The Bluetooth SIG health services the app pairs devices for
//! ([`HealthService`]): named on the wire to the UI, kept in the store as
//! their 16-bit assigned numbers in 4 hex digits, as they always were.

use serde::{Deserialize, Serialize};

/// A Bluetooth SIG health service (its 16-bit assigned number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HealthService {
    BloodPressure,
    HealthThermometer,
    WeightScale,
    BodyComposition,
    Glucose,
    PulseOximeter,
    HeartRate,
}

impl HealthService {
    /// Every one, in the order the app scans for them.
    pub const ALL: [HealthService; 7] = [
        HealthService::BloodPressure,
        HealthService::HealthThermometer,
        HealthService::WeightScale,
        HealthService::BodyComposition,
        HealthService::Glucose,
        HealthService::PulseOximeter,
        HealthService::HeartRate,
    ];

    /// Its 16-bit assigned number.
    pub const fn uuid16(self) -> u16 {
        match self {
            HealthService::BloodPressure => 0x1810,
            HealthService::HealthThermometer => 0x1809,
            HealthService::WeightScale => 0x181D,
            HealthService::BodyComposition => 0x181B,
            HealthService::Glucose => 0x1808,
            HealthService::PulseOximeter => 0x1822,
            HealthService::HeartRate => 0x180D,
        }
    }

    /// The health service with this assigned number, if it is one.
    pub fn from_uuid16(number: u16) -> Option<HealthService> {
        HealthService::ALL.into_iter().find(|s| s.uuid16() == number)
    }

    /// As the store keeps it: 4 lower-case hex digits (`1810`).
    pub fn hex(self) -> String {
        format!("{:04x}", self.uuid16())
    }

    /// From the store's 4 hex digits (either case).
    pub fn from_hex(text: &str) -> Option<HealthService> {
        u16::from_str_radix(text, 16).ok().and_then(HealthService::from_uuid16)
    }
}

#[cfg(test)]
mod tests {
    use super::HealthService;

    #[test]
    fn each_service_reads_back_from_its_number_hex_and_name() {
        for service in HealthService::ALL {
            assert_eq!(HealthService::from_uuid16(service.uuid16()), Some(service));
            assert_eq!(HealthService::from_hex(&service.hex()), Some(service));
            assert_eq!(HealthService::from_hex(&service.hex().to_uppercase()), Some(service));
            let name = serde_json::to_value(service).unwrap();
            assert_eq!(serde_json::from_value::<HealthService>(name).unwrap(), service);
        }
        assert_eq!(serde_json::to_value(HealthService::PulseOximeter).unwrap(), "pulse-oximeter");
        for other in ["180a", "", "zz", "1810x", "0x1810"] {
            assert_eq!(HealthService::from_hex(other), None, "{other}");
        }
        assert_eq!(HealthService::from_uuid16(0x180A), None, "device information is no health service");
    }
}
