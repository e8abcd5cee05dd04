//! Byte-exact decoders for the Bluetooth SIG health profiles, one module per
//! characteristic: `blood_pressure` (0x2A35/0x2A36), `temperature` (0x2A1C),
//! `weight` (0x2A9D), `body_composition` (0x2A9C), `glucose`
//! (0x2A18/0x2A34), `racp` (0x2A52, both directions), `plx` (0x2A5E/0x2A5F),
//! `heart_rate` (0x2A37) and `time` (0x2A08/0x2A2B); `ieee11073` has the
//! SFLOAT/FLOAT numbers, `date_time` the 7-byte Date Time field and `reader`
//! the field-naming cursor. It imports nothing of the domain but the shared
//! vocabulary and error codes.
//!
//! Each parser is a `fn(&[u8]) -> Result<_, DecodeError>` with byte-level
//! tests for every flag combination and every truncation, built from the
//! specification's field tables. A short packet, bytes left over after the
//! last field the flags announce, or a value outside its defined range is an
//! error that names the field; a value the device marks as "not a number"
//! (IEEE-11073 NaN, NRes, ±INF, reserved) is [`Value::Absent`], never zero.
//! Numbers keep the precision the device sent (see [`ieee11073::Decimal`]).
//!
//! [`decode`] dispatches on the characteristic's UUID; `heima-cli decode`
//! prints its result as JSON.

pub mod blood_pressure;
pub mod body_composition;
mod date_time;
pub mod glucose;
pub mod heart_rate;
pub mod ieee11073;
pub mod plx;
pub mod racp;
mod reader;
pub mod temperature;
pub mod time;
pub mod weight;

use serde::Serialize;

pub use ieee11073::{Decimal, Special, Value};

/// Why a packet could not be decoded. Every variant names the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum DecodeError {
    #[error("packet too short: {field} needs {needed} byte(s) at offset {offset}, only {available} left")]
    TooShort { field: &'static str, offset: usize, needed: usize, available: usize },
    #[error("{count} unexpected byte(s) after the last field the flags announce (offset {offset})")]
    TrailingBytes { offset: usize, count: usize },
    #[error("{field} has the invalid value {value}")]
    InvalidValue { field: &'static str, value: u32 },
    #[error("{field} is 0xFFFF: the device reports the measurement as unsuccessful")]
    MeasurementUnsuccessful { field: &'static str },
    #[error("unknown characteristic {0}")]
    UnknownCharacteristic(String),
}

impl DecodeError {
    /// The stable code the UI words as `error-<code>`.
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            DecodeError::TooShort { .. } => crate::error::ErrorCode::DecodeTooShort,
            DecodeError::TrailingBytes { .. } => crate::error::ErrorCode::DecodeTrailingBytes,
            DecodeError::InvalidValue { .. } => crate::error::ErrorCode::DecodeInvalidValue,
            DecodeError::MeasurementUnsuccessful { .. } => crate::error::ErrorCode::DecodeMeasurementUnsuccessful,
            DecodeError::UnknownCharacteristic(_) => crate::error::ErrorCode::DecodeUnknownCharacteristic,
        }
    }
}

/// The characteristics Heima decodes, by their 16-bit assigned numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Characteristic {
    BloodPressureMeasurement = 0x2A35,
    IntermediateCuffPressure = 0x2A36,
    TemperatureMeasurement = 0x2A1C,
    WeightMeasurement = 0x2A9D,
    BodyCompositionMeasurement = 0x2A9C,
    GlucoseMeasurement = 0x2A18,
    GlucoseMeasurementContext = 0x2A34,
    RecordAccessControlPoint = 0x2A52,
    PlxSpotCheckMeasurement = 0x2A5E,
    PlxContinuousMeasurement = 0x2A5F,
    HeartRateMeasurement = 0x2A37,
    DateTime = 0x2A08,
    CurrentTime = 0x2A2B,
}

impl Characteristic {
    pub const ALL: [Characteristic; 13] = [
        Characteristic::BloodPressureMeasurement,
        Characteristic::IntermediateCuffPressure,
        Characteristic::TemperatureMeasurement,
        Characteristic::WeightMeasurement,
        Characteristic::BodyCompositionMeasurement,
        Characteristic::GlucoseMeasurement,
        Characteristic::GlucoseMeasurementContext,
        Characteristic::RecordAccessControlPoint,
        Characteristic::PlxSpotCheckMeasurement,
        Characteristic::PlxContinuousMeasurement,
        Characteristic::HeartRateMeasurement,
        Characteristic::DateTime,
        Characteristic::CurrentTime,
    ];

    /// The 16-bit assigned number.
    pub fn short_uuid(self) -> u16 {
        self as u16
    }

    /// The full 128-bit UUID in the Bluetooth base range, lower case.
    pub fn uuid(self) -> String {
        format!("0000{:04x}-0000-1000-8000-00805f9b34fb", self.short_uuid())
    }

    /// Parses `2A35`, `0x2a35` or `00002a35-0000-1000-8000-00805f9b34fb`.
    pub fn from_uuid(text: &str) -> Result<Characteristic, DecodeError> {
        let unknown = || DecodeError::UnknownCharacteristic(text.to_string());
        let lower = text.trim().to_ascii_lowercase();
        let short = if let Some(rest) = lower.strip_suffix("-0000-1000-8000-00805f9b34fb") {
            rest.strip_prefix("0000").ok_or_else(unknown)?
        } else {
            lower.strip_prefix("0x").unwrap_or(&lower)
        };
        let number = u16::from_str_radix(short, 16).map_err(|_| unknown())?;
        Characteristic::ALL.into_iter().find(|c| c.short_uuid() == number).ok_or_else(unknown)
    }
}

/// A decoded packet of any supported characteristic.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "characteristic", rename_all = "kebab-case")]
pub enum Decoded {
    BloodPressureMeasurement(blood_pressure::BloodPressureMeasurement),
    IntermediateCuffPressure(blood_pressure::BloodPressureMeasurement),
    TemperatureMeasurement(temperature::TemperatureMeasurement),
    WeightMeasurement(weight::WeightMeasurement),
    BodyCompositionMeasurement(body_composition::BodyCompositionMeasurement),
    GlucoseMeasurement(glucose::GlucoseMeasurement),
    GlucoseMeasurementContext(glucose::GlucoseMeasurementContext),
    RecordAccessControlPoint(racp::RacpMessage),
    PlxSpotCheckMeasurement(plx::PlxSpotCheck),
    PlxContinuousMeasurement(plx::PlxContinuous),
    HeartRateMeasurement(heart_rate::HeartRateMeasurement),
    DateTime(time::DateTime),
    CurrentTime(time::CurrentTime),
}

/// Decodes one packet of the given characteristic.
pub fn decode(characteristic: Characteristic, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    use Characteristic as C;
    Ok(match characteristic {
        C::BloodPressureMeasurement => Decoded::BloodPressureMeasurement(blood_pressure::decode_measurement(bytes)?),
        C::IntermediateCuffPressure => Decoded::IntermediateCuffPressure(blood_pressure::decode_intermediate(bytes)?),
        C::TemperatureMeasurement => Decoded::TemperatureMeasurement(temperature::decode(bytes)?),
        C::WeightMeasurement => Decoded::WeightMeasurement(weight::decode(bytes)?),
        C::BodyCompositionMeasurement => Decoded::BodyCompositionMeasurement(body_composition::decode(bytes)?),
        C::GlucoseMeasurement => Decoded::GlucoseMeasurement(glucose::decode_measurement(bytes)?),
        C::GlucoseMeasurementContext => Decoded::GlucoseMeasurementContext(glucose::decode_context(bytes)?),
        C::RecordAccessControlPoint => Decoded::RecordAccessControlPoint(racp::decode(bytes)?),
        C::PlxSpotCheckMeasurement => Decoded::PlxSpotCheckMeasurement(plx::decode_spot_check(bytes)?),
        C::PlxContinuousMeasurement => Decoded::PlxContinuousMeasurement(plx::decode_continuous(bytes)?),
        C::HeartRateMeasurement => Decoded::HeartRateMeasurement(heart_rate::decode(bytes)?),
        C::DateTime => Decoded::DateTime(time::decode_date_time(bytes)?),
        C::CurrentTime => Decoded::CurrentTime(time::decode_current_time(bytes)?),
    })
}

/// Test helper: every truncation of a valid packet is `TooShort`, and one
/// byte more is `TrailingBytes`.
#[cfg(test)]
pub(crate) fn assert_exact_length<T: std::fmt::Debug>(decode: impl Fn(&[u8]) -> Result<T, DecodeError>, bytes: &[u8]) {
    for cut in 0..bytes.len() {
        let result = decode(&bytes[..cut]);
        assert!(matches!(result, Err(DecodeError::TooShort { .. })), "{bytes:02x?} cut at {cut}: {result:?}");
    }
    let mut long = bytes.to_vec();
    long.push(0);
    let result = decode(&long);
    assert!(matches!(result, Err(DecodeError::TrailingBytes { count: 1, .. })), "{bytes:02x?} + 1 byte: {result:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_parse_in_every_spelling() {
        for c in Characteristic::ALL {
            assert_eq!(Characteristic::from_uuid(&c.uuid()).unwrap(), c);
            assert_eq!(Characteristic::from_uuid(&format!("{:04X}", c.short_uuid())).unwrap(), c);
            assert_eq!(Characteristic::from_uuid(&format!("0x{:04x}", c.short_uuid())).unwrap(), c);
        }
        assert_eq!(Characteristic::from_uuid("2A00").unwrap_err(), DecodeError::UnknownCharacteristic("2A00".into()));
        assert!(Characteristic::from_uuid("00002a35-0000-1000-8000-00805f9b34fc").is_err());
        assert!(Characteristic::from_uuid("zz").is_err());
    }

    #[test]
    fn empty_packets_are_errors_for_every_characteristic() {
        for c in Characteristic::ALL {
            let error = decode(c, &[]).unwrap_err();
            assert!(matches!(error, DecodeError::TooShort { offset: 0, .. }), "{c:?}: {error:?}");
        }
    }
}
