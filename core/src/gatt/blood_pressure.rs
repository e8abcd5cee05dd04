//! Blood Pressure Measurement (0x2A35) and Intermediate Cuff Pressure
//! (0x2A36), Blood Pressure Service 1.1.
//!
//! | bytes | field | present when |
//! |---|---|---|
//! | 1 | flags: 0 units kPa, 1 time stamp, 2 pulse rate, 3 user id, 4 measurement status | always |
//! | 2+2+2 | systolic, diastolic, mean arterial pressure (SFLOAT) | always |
//! | 7 | time stamp (Date Time) | flag 1 |
//! | 2 | pulse rate (SFLOAT, /min) | flag 2 |
//! | 1 | user id (0xFF = unknown user) | flag 3 |
//! | 2 | measurement status | flag 4 |
//!
//! In Intermediate Cuff Pressure the systolic field carries the current cuff
//! pressure and the other two are NaN.

use serde::Serialize;

use super::{
    ieee11073::Value,
    reader::{bit, Reader},
    time::DateTime,
    DecodeError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PressureUnit {
    MmHg,
    KPa,
}

/// Pulse rate range detection (status bits 3–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PulseRateRange {
    WithinRange,
    ExceedsUpperLimit,
    BelowLowerLimit,
    Reserved,
}

/// The measurement status bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasurementStatus {
    pub body_movement: bool,
    pub cuff_too_loose: bool,
    pub irregular_pulse: bool,
    pub pulse_rate_range: PulseRateRange,
    pub improper_position: bool,
}

impl MeasurementStatus {
    pub fn from_bits(bits: u16) -> Self {
        let b = u32::from(bits);
        MeasurementStatus {
            body_movement: bit(b, 0),
            cuff_too_loose: bit(b, 1),
            irregular_pulse: bit(b, 2),
            pulse_rate_range: match (bits >> 3) & 0b11 {
                0 => PulseRateRange::WithinRange,
                1 => PulseRateRange::ExceedsUpperLimit,
                2 => PulseRateRange::BelowLowerLimit,
                _ => PulseRateRange::Reserved,
            },
            improper_position: bit(b, 5),
        }
    }
}

/// One blood-pressure packet (final or intermediate).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BloodPressureMeasurement {
    pub unit: PressureUnit,
    /// For an intermediate packet: the current cuff pressure.
    pub systolic: Value,
    pub diastolic: Value,
    pub mean_arterial_pressure: Value,
    pub time_stamp: Option<DateTime>,
    /// Beats per minute.
    pub pulse_rate: Option<Value>,
    /// `None` when absent or 0xFF (unknown user).
    pub user_id: Option<u8>,
    pub status: Option<MeasurementStatus>,
}

fn decode(bytes: &[u8]) -> Result<BloodPressureMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let unit = if bit(flags, 0) { PressureUnit::KPa } else { PressureUnit::MmHg };
    let systolic = r.sfloat("systolic")?;
    let diastolic = r.sfloat("diastolic")?;
    let mean_arterial_pressure = r.sfloat("mean arterial pressure")?;
    let time_stamp = r.optional(bit(flags, 1), |r| r.date_time("time stamp"))?;
    let pulse_rate = r.optional(bit(flags, 2), |r| r.sfloat("pulse rate"))?;
    let user_id = r.optional(bit(flags, 3), |r| r.u8("user id"))?.filter(|&id| id != 0xFF);
    let status = r.optional(bit(flags, 4), |r| r.u16("measurement status"))?.map(MeasurementStatus::from_bits);
    r.finish()?;
    Ok(BloodPressureMeasurement {
        unit,
        systolic,
        diastolic,
        mean_arterial_pressure,
        time_stamp,
        pulse_rate,
        user_id,
        status,
    })
}

/// Decodes Blood Pressure Measurement (0x2A35).
pub fn decode_measurement(bytes: &[u8]) -> Result<BloodPressureMeasurement, DecodeError> {
    decode(bytes)
}

/// Decodes Intermediate Cuff Pressure (0x2A36): same layout; the cuff
/// pressure is in `systolic`.
pub fn decode_intermediate(bytes: &[u8]) -> Result<BloodPressureMeasurement, DecodeError> {
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gatt::{ieee11073::Special, Decimal};

    fn n(m: i32, e: i8) -> Value {
        Value::Number(Decimal::new(m, e))
    }

    /// systolic 120, diastolic 80, MAP 93 (mmHg), all as SFLOAT exponent 0.
    const PRESSURES: [u8; 6] = [0x78, 0x00, 0x50, 0x00, 0x5D, 0x00];
    const STAMP: [u8; 7] = [0xEA, 0x07, 11, 23, 8, 1, 30];

    /// Builds a packet for a flag combination from its optional fields.
    fn packet(flags: u8) -> Vec<u8> {
        let mut p = vec![flags];
        p.extend(PRESSURES);
        if flags & 0x02 != 0 {
            p.extend(STAMP);
        }
        if flags & 0x04 != 0 {
            p.extend([0x48, 0x00]); // 72 /min
        }
        if flags & 0x08 != 0 {
            p.push(0x02);
        }
        if flags & 0x10 != 0 {
            p.extend([0b0010_1101, 0x00]); // movement, irregular, above range, position
        }
        p
    }

    #[test]
    fn every_flag_combination_decodes_and_every_truncation_fails() {
        // Bits 5–7 are reserved; receivers ignore them, so all 256 values decode.
        for flags in 0..=0xFFu8 {
            let bytes = packet(flags);
            let m = decode_measurement(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.unit, if flags & 1 == 1 { PressureUnit::KPa } else { PressureUnit::MmHg });
            assert_eq!((m.systolic, m.diastolic, m.mean_arterial_pressure), (n(120, 0), n(80, 0), n(93, 0)));
            assert_eq!(m.time_stamp.is_some(), flags & 0x02 != 0);
            assert_eq!(m.pulse_rate, (flags & 0x04 != 0).then_some(n(72, 0)));
            assert_eq!(m.user_id, (flags & 0x08 != 0).then_some(2));
            assert_eq!(m.status.is_some(), flags & 0x10 != 0);
            crate::gatt::assert_exact_length(decode_measurement, &bytes);
        }
    }

    #[test]
    fn full_packet_from_the_specification_layout() {
        let bytes = packet(0x1E);
        let m = decode_measurement(&bytes).unwrap();
        assert_eq!(m.time_stamp.unwrap().to_civil().unwrap().to_string(), "2026-11-23T08:01:30");
        assert_eq!(
            m.status.unwrap(),
            MeasurementStatus {
                body_movement: true,
                cuff_too_loose: false,
                irregular_pulse: true,
                pulse_rate_range: PulseRateRange::ExceedsUpperLimit,
                improper_position: true,
            }
        );
    }

    #[test]
    fn kpa_keeps_its_decimals() {
        // 16.0 / 10.7 / 12.4 kPa: exponent -1.
        let bytes = [0x01, 0xA0, 0xF0, 0x6B, 0xF0, 0x7C, 0xF0];
        let m = decode_measurement(&bytes).unwrap();
        assert_eq!(m.systolic.number().unwrap().to_string(), "16.0");
        assert_eq!(m.diastolic.number().unwrap().to_string(), "10.7");
    }

    #[test]
    fn unknown_user_and_pulse_range_bits() {
        let m = decode_measurement(&[0x08, 0x78, 0, 0x50, 0, 0x5D, 0, 0xFF]).unwrap();
        assert_eq!(m.user_id, None);
        for (bits, range) in [
            (0u16, PulseRateRange::WithinRange),
            (0b01_000, PulseRateRange::ExceedsUpperLimit),
            (0b10_000, PulseRateRange::BelowLowerLimit),
            (0b11_000, PulseRateRange::Reserved),
        ] {
            assert_eq!(MeasurementStatus::from_bits(bits).pulse_rate_range, range);
        }
    }

    #[test]
    fn intermediate_cuff_pressure_has_nan_companions() {
        let bytes = [0x00, 0x8C, 0x00, 0xFF, 0x07, 0xFF, 0x07];
        let m = decode_intermediate(&bytes).unwrap();
        assert_eq!(m.systolic, n(140, 0));
        assert_eq!(m.diastolic, Value::Absent(Special::Nan));
        assert_eq!(m.mean_arterial_pressure, Value::Absent(Special::Nan));
    }

    #[test]
    fn nan_systolic_is_absent_not_2047() {
        let m = decode_measurement(&[0x00, 0xFF, 0x07, 0x50, 0x00, 0x5D, 0x00]).unwrap();
        assert_eq!(m.systolic, Value::Absent(Special::Nan));
    }
}
