//! Pulse oximeter (PLX Service): Spot-Check Measurement (0x2A5E) and
//! Continuous Measurement (0x2A5F).
//!
//! Spot-check: flags (0 time stamp, 1 measurement status, 2 device and
//! sensor status, 3 pulse amplitude index, 4 device clock not set), SpO2 and
//! PR (SFLOAT), [time stamp], [status u16], [device status u24], [PAI].
//!
//! Continuous: flags (0 SpO2PR-Fast, 1 SpO2PR-Slow, 2 measurement status,
//! 3 device and sensor status, 4 PAI), SpO2PR-Normal, [Fast], [Slow],
//! [status u16], [device status u24], [PAI].

use serde::Serialize;

use super::{
    ieee11073::Value,
    reader::{bit, set_bits, Reader},
    time::DateTime,
    DecodeError,
};

const MEASUREMENT_STATUS: &[(u32, &str)] = &[
    (5, "measurement-ongoing"),
    (6, "early-estimated-data"),
    (7, "validated-data"),
    (8, "fully-qualified-data"),
    (9, "data-from-measurement-storage"),
    (10, "data-for-demonstration"),
    (11, "data-for-testing"),
    (12, "calibration-ongoing"),
    (13, "measurement-unavailable"),
    (14, "questionable-measurement-detected"),
    (15, "invalid-measurement-detected"),
];

const DEVICE_AND_SENSOR_STATUS: &[(u32, &str)] = &[
    (0, "extended-display-update-ongoing"),
    (1, "equipment-malfunction-detected"),
    (2, "signal-processing-irregularity-detected"),
    (3, "inadequate-signal-detected"),
    (4, "poor-signal-detected"),
    (5, "low-perfusion-detected"),
    (6, "erratic-signal-detected"),
    (7, "nonpulsatile-signal-detected"),
    (8, "questionable-pulse-detected"),
    (9, "signal-analysis-ongoing"),
    (10, "sensor-interference-detected"),
    (11, "sensor-unconnected-to-user"),
    (12, "unknown-sensor-connected"),
    (13, "sensor-displaced"),
    (14, "sensor-malfunctioning"),
    (15, "sensor-disconnected"),
];

/// SpO2 (%) and pulse rate (/min).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpO2Pr {
    pub spo2: Value,
    pub pulse_rate: Value,
}

impl SpO2Pr {
    fn read(r: &mut Reader<'_>, spo2: &'static str, pr: &'static str) -> Result<Self, DecodeError> {
        Ok(SpO2Pr { spo2: r.sfloat(spo2)?, pulse_rate: r.sfloat(pr)? })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlxSpotCheck {
    pub reading: SpO2Pr,
    pub time_stamp: Option<DateTime>,
    pub measurement_status: Option<Vec<&'static str>>,
    pub device_and_sensor_status: Option<Vec<&'static str>>,
    /// Percent.
    pub pulse_amplitude_index: Option<Value>,
    /// The device says its clock was never set: its time stamp is not to be
    /// trusted.
    pub device_clock_not_set: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlxContinuous {
    pub normal: SpO2Pr,
    pub fast: Option<SpO2Pr>,
    pub slow: Option<SpO2Pr>,
    pub measurement_status: Option<Vec<&'static str>>,
    pub device_and_sensor_status: Option<Vec<&'static str>>,
    pub pulse_amplitude_index: Option<Value>,
}

/// Measurement status and device-and-sensor status, when present.
type Statuses = (Option<Vec<&'static str>>, Option<Vec<&'static str>>);

fn statuses(r: &mut Reader<'_>, flags: u32, measurement_bit: u32, device_bit: u32) -> Result<Statuses, DecodeError> {
    let measurement = r
        .optional(bit(flags, measurement_bit), |r| r.u16("measurement status"))?
        .map(|s| set_bits(s.into(), MEASUREMENT_STATUS));
    let device = r
        .optional(bit(flags, device_bit), |r| r.u24("device and sensor status"))?
        .map(|s| set_bits(s, DEVICE_AND_SENSOR_STATUS));
    Ok((measurement, device))
}

/// Decodes PLX Spot-Check Measurement (0x2A5E).
pub fn decode_spot_check(bytes: &[u8]) -> Result<PlxSpotCheck, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let reading = SpO2Pr::read(&mut r, "SpO2", "pulse rate")?;
    let time_stamp = r.optional(bit(flags, 0), |r| r.date_time("time stamp"))?;
    let (measurement_status, device_and_sensor_status) = statuses(&mut r, flags, 1, 2)?;
    let pulse_amplitude_index = r.optional(bit(flags, 3), |r| r.sfloat("pulse amplitude index"))?;
    r.finish()?;
    Ok(PlxSpotCheck {
        reading,
        time_stamp,
        measurement_status,
        device_and_sensor_status,
        pulse_amplitude_index,
        device_clock_not_set: bit(flags, 4),
    })
}

/// Decodes PLX Continuous Measurement (0x2A5F).
pub fn decode_continuous(bytes: &[u8]) -> Result<PlxContinuous, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let normal = SpO2Pr::read(&mut r, "SpO2 (normal)", "pulse rate (normal)")?;
    let fast = r.optional(bit(flags, 0), |r| SpO2Pr::read(r, "SpO2 (fast)", "pulse rate (fast)"))?;
    let slow = r.optional(bit(flags, 1), |r| SpO2Pr::read(r, "SpO2 (slow)", "pulse rate (slow)"))?;
    let (measurement_status, device_and_sensor_status) = statuses(&mut r, flags, 2, 3)?;
    let pulse_amplitude_index = r.optional(bit(flags, 4), |r| r.sfloat("pulse amplitude index"))?;
    r.finish()?;
    Ok(PlxContinuous { normal, fast, slow, measurement_status, device_and_sensor_status, pulse_amplitude_index })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gatt::{ieee11073::Special, Decimal};

    const READING: [u8; 4] = [0x61, 0x00, 0x48, 0x00]; // 97 %, 72 /min

    fn spot(flags: u8) -> Vec<u8> {
        let mut p = vec![flags];
        p.extend(READING);
        if flags & 1 != 0 {
            p.extend([0xEA, 0x07, 11, 23, 8, 10, 0]);
        }
        if flags & 2 != 0 {
            p.extend([0x80, 0x00]); // validated data
        }
        if flags & 4 != 0 {
            p.extend([0x30, 0x00, 0x00]); // poor signal, low perfusion
        }
        if flags & 8 != 0 {
            p.extend([0x2D, 0xF0]); // 4.5 %
        }
        p
    }

    #[test]
    fn every_spot_check_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = spot(flags);
            let m = decode_spot_check(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.reading.spo2, Value::Number(Decimal::new(97, 0)));
            assert_eq!(m.reading.pulse_rate, Value::Number(Decimal::new(72, 0)));
            assert_eq!(m.time_stamp.is_some(), flags & 1 != 0);
            assert_eq!(m.measurement_status, (flags & 2 != 0).then(|| vec!["validated-data"]));
            assert_eq!(
                m.device_and_sensor_status,
                (flags & 4 != 0).then(|| vec!["poor-signal-detected", "low-perfusion-detected"])
            );
            assert_eq!(
                m.pulse_amplitude_index.map(|v| v.number().unwrap().to_string()),
                (flags & 8 != 0).then(|| "4.5".into())
            );
            assert_eq!(m.device_clock_not_set, flags & 0x10 != 0);
            crate::gatt::assert_exact_length(decode_spot_check, &bytes);
        }
    }

    fn continuous(flags: u8) -> Vec<u8> {
        let mut p = vec![flags];
        p.extend(READING);
        if flags & 1 != 0 {
            p.extend([0x60, 0x00, 0x4A, 0x00]);
        }
        if flags & 2 != 0 {
            p.extend([0x62, 0x00, 0x46, 0x00]);
        }
        if flags & 4 != 0 {
            p.extend([0x20, 0x00]); // measurement ongoing
        }
        if flags & 8 != 0 {
            p.extend([0x00, 0x80, 0x00]); // sensor disconnected
        }
        if flags & 0x10 != 0 {
            p.extend([0x2D, 0xF0]);
        }
        p
    }

    #[test]
    fn every_continuous_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = continuous(flags);
            let m = decode_continuous(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.normal.spo2, Value::Number(Decimal::new(97, 0)));
            assert_eq!(m.fast.map(|f| f.spo2), (flags & 1 != 0).then_some(Value::Number(Decimal::new(96, 0))));
            assert_eq!(m.slow.map(|f| f.spo2), (flags & 2 != 0).then_some(Value::Number(Decimal::new(98, 0))));
            assert_eq!(m.measurement_status, (flags & 4 != 0).then(|| vec!["measurement-ongoing"]));
            assert_eq!(m.device_and_sensor_status, (flags & 8 != 0).then(|| vec!["sensor-disconnected"]));
            assert_eq!(m.pulse_amplitude_index.is_some(), flags & 0x10 != 0);
            crate::gatt::assert_exact_length(decode_continuous, &bytes);
        }
    }

    #[test]
    fn finger_out_gives_nan_not_zero() {
        let m = decode_spot_check(&[0x00, 0xFF, 0x07, 0xFF, 0x07]).unwrap();
        assert_eq!(m.reading.spo2, Value::Absent(Special::Nan));
        assert_eq!(m.reading.pulse_rate, Value::Absent(Special::Nan));
    }
}
