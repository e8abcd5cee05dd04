//! Temperature Measurement (0x2A1C), Health Thermometer Service.
//!
//! | bytes | field | present when |
//! |---|---|---|
//! | 1 | flags: 0 Fahrenheit, 1 time stamp, 2 temperature type | always |
//! | 4 | temperature (FLOAT) | always |
//! | 7 | time stamp (Date Time) | flag 1 |
//! | 1 | temperature type (1–9) | flag 2 |

use serde::Serialize;

use super::{
    ieee11073::Value,
    reader::{bit, Reader},
    time::DateTime,
    DecodeError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemperatureUnit {
    Celsius,
    Fahrenheit,
}

/// Where on the body the temperature was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemperatureType {
    Armpit,
    Body,
    Ear,
    Finger,
    GastrointestinalTract,
    Mouth,
    Rectum,
    Toe,
    Tympanum,
}

impl TemperatureType {
    fn from_u8(value: u8) -> Result<Self, DecodeError> {
        use TemperatureType::*;
        Ok(match value {
            1 => Armpit,
            2 => Body,
            3 => Ear,
            4 => Finger,
            5 => GastrointestinalTract,
            6 => Mouth,
            7 => Rectum,
            8 => Toe,
            9 => Tympanum,
            _ => return Err(DecodeError::InvalidValue { field: "temperature type", value: value.into() }),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemperatureMeasurement {
    pub unit: TemperatureUnit,
    pub value: Value,
    pub time_stamp: Option<DateTime>,
    pub temperature_type: Option<TemperatureType>,
}

/// Decodes Temperature Measurement (0x2A1C).
pub fn decode(bytes: &[u8]) -> Result<TemperatureMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let unit = if bit(flags, 0) { TemperatureUnit::Fahrenheit } else { TemperatureUnit::Celsius };
    let value = r.float("temperature")?;
    let time_stamp = r.optional(bit(flags, 1), |r| r.date_time("time stamp"))?;
    let temperature_type =
        r.optional(bit(flags, 2), |r| r.u8("temperature type"))?.map(TemperatureType::from_u8).transpose()?;
    r.finish()?;
    Ok(TemperatureMeasurement { unit, value, time_stamp, temperature_type })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gatt::{ieee11073::Special, Decimal};

    fn packet(flags: u8) -> Vec<u8> {
        let mut p = vec![flags, 0x70, 0x01, 0x00, 0xFF]; // 36.8
        if flags & 0x02 != 0 {
            p.extend([0xEA, 0x07, 11, 23, 7, 45, 0]);
        }
        if flags & 0x04 != 0 {
            p.push(6); // mouth
        }
        p
    }

    #[test]
    fn every_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = packet(flags);
            let m = decode(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.value, Value::Number(Decimal::new(368, -1)));
            assert_eq!(m.unit == TemperatureUnit::Fahrenheit, flags & 1 != 0);
            assert_eq!(m.time_stamp.is_some(), flags & 2 != 0);
            assert_eq!(m.temperature_type, (flags & 4 != 0).then_some(TemperatureType::Mouth));
            crate::gatt::assert_exact_length(decode, &bytes);
        }
    }

    #[test]
    fn fahrenheit_with_two_decimals() {
        // 98.60 °F = 9860 × 10^-2
        let m = decode(&[0x01, 0x84, 0x26, 0x00, 0xFE]).unwrap();
        assert_eq!(m.value.number().unwrap().to_string(), "98.60");
    }

    #[test]
    fn every_type_and_reserved_types() {
        for value in 1..=9u8 {
            assert!(decode(&[0x04, 0x70, 0x01, 0x00, 0xFF, value]).is_ok());
        }
        for value in [0u8, 10, 255] {
            assert_eq!(
                decode(&[0x04, 0x70, 0x01, 0x00, 0xFF, value]).unwrap_err(),
                DecodeError::InvalidValue { field: "temperature type", value: value.into() }
            );
        }
    }

    #[test]
    fn special_values_are_absent() {
        let m = decode(&[0x00, 0xFF, 0xFF, 0x7F, 0x00]).unwrap();
        assert_eq!(m.value, Value::Absent(Special::Nan));
        let m = decode(&[0x00, 0x00, 0x00, 0x80, 0x00]).unwrap();
        assert_eq!(m.value, Value::Absent(Special::Nres));
    }
}
