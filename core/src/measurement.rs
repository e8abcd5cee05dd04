//! Decoded device packets become domain [`Measurement`]s: LOINC-coded
//! components with UCUM units, the device's own time kept beside the UTC
//! time corrected by a [`ClockCorrection`], and a PHD-style identifier
//! (device/code/device time, or the glucose meter's sequence number) so a
//! re-sent record is recognised as the same reading.

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    gatt::{
        blood_pressure::{BloodPressureMeasurement, PressureUnit},
        glucose::{ConcentrationUnit, GlucoseMeasurement},
        heart_rate::HeartRateMeasurement,
        ieee11073::{Decimal, Value},
        plx::{PlxContinuous, PlxSpotCheck},
        temperature::{TemperatureMeasurement, TemperatureUnit},
        time::DateTime,
        weight::{UnitSystem, WeightMeasurement},
        Decoded,
    },
    vocabulary::MeasurementKind,
};

pub use crate::vocabulary::{loinc, Component, ComponentValue, Measurement};

/// How the tablet maps a device's clock to real time, measured when it
/// connects (device "now" minus tablet "now").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ClockCorrection {
    /// Positive when the device's clock is ahead.
    pub device_ahead_by: SignedDuration,
}

impl ClockCorrection {
    /// From the device's current local time and the tablet's clock.
    pub fn measure(device_now: civil::DateTime, tablet_now: Timestamp, tz: &TimeZone) -> Option<ClockCorrection> {
        let device = tz.to_ambiguous_zoned(device_now).compatible().ok()?.timestamp();
        Some(ClockCorrection { device_ahead_by: device.duration_since(tablet_now) })
    }

    /// The real instant of a device-local time stamp.
    pub fn correct(&self, device_time: civil::DateTime, tz: &TimeZone) -> Option<Timestamp> {
        let at = tz.to_ambiguous_zoned(device_time).compatible().ok()?.timestamp();
        at.checked_sub(self.device_ahead_by).ok()
    }
}

/// Where a reading comes from, for the conversion.
#[derive(Debug, Clone)]
pub struct ReadingContext<'a> {
    /// Stable id of the device (its Bluetooth address, or the OS's id).
    pub device_id: &'a str,
    /// When the tablet received the packet.
    pub received_at: Timestamp,
    pub clock: ClockCorrection,
    /// The time zone the device's clock runs in (the patient's).
    pub time_zone: &'a TimeZone,
}

/// Why a decoded packet yields no measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum MeasurementError {
    #[error("the packet is not a measurement (e.g. a control point or a time)")]
    NotAMeasurement,
    #[error("intermediate cuff pressure is progress, not a reading")]
    Intermediate,
    #[error("glucose record {0} has no concentration")]
    NoConcentration(u16),
}

fn component(code: &'static str, value: impl Into<ComponentValue>, unit: &'static str) -> Component {
    Component { code, value: value.into(), unit }
}

/// Turns one decoded packet into measurements (a spot-check with pulse gives
/// SpO2 and pulse as two).
pub fn from_decoded(decoded: &Decoded, ctx: &ReadingContext<'_>) -> Result<Vec<Measurement>, MeasurementError> {
    match decoded {
        Decoded::BloodPressureMeasurement(m) => Ok(blood_pressure(m, ctx)),
        Decoded::IntermediateCuffPressure(_) => Err(MeasurementError::Intermediate),
        Decoded::TemperatureMeasurement(m) => Ok(vec![temperature(m, ctx)]),
        Decoded::WeightMeasurement(m) => Ok(vec![weight(m, ctx)]),
        Decoded::GlucoseMeasurement(m) => glucose(m, ctx).map(|m| vec![m]),
        Decoded::PlxSpotCheckMeasurement(m) => Ok(spot_check(m, ctx)),
        Decoded::PlxContinuousMeasurement(m) => Ok(continuous(m, ctx)),
        Decoded::HeartRateMeasurement(m) => Ok(vec![heart_rate(m, ctx)]),
        Decoded::BodyCompositionMeasurement(m) => Ok(m
            .weight
            .map(|w| {
                let unit = if m.units == UnitSystem::Si { "kg" } else { "[lb_av]" };
                build(
                    ctx,
                    MeasurementKind::BodyWeight,
                    loinc::BODY_WEIGHT,
                    vec![component(loinc::BODY_WEIGHT, Value::Number(w), unit)],
                    m.time_stamp,
                    None,
                )
            })
            .into_iter()
            .collect()),
        Decoded::GlucoseMeasurementContext(_)
        | Decoded::RecordAccessControlPoint(_)
        | Decoded::DateTime(_)
        | Decoded::CurrentTime(_) => Err(MeasurementError::NotAMeasurement),
    }
}

fn build(
    ctx: &ReadingContext<'_>,
    kind: MeasurementKind,
    code: &'static str,
    components: Vec<Component>,
    stamp: Option<DateTime>,
    sequence: Option<u16>,
) -> Measurement {
    let device_time = stamp.and_then(DateTime::to_civil);
    build_at(ctx, kind, code, components, device_time, sequence)
}

fn build_at(
    ctx: &ReadingContext<'_>,
    kind: MeasurementKind,
    code: &'static str,
    components: Vec<Component>,
    device_time: Option<civil::DateTime>,
    sequence: Option<u16>,
) -> Measurement {
    let effective = device_time.and_then(|t| ctx.clock.correct(t, ctx.time_zone)).unwrap_or(ctx.received_at);
    let when = match (sequence, device_time) {
        (Some(seq), _) => format!("seq-{seq}"),
        (None, Some(t)) => t.to_string(),
        // No device time: only the receive time can tell readings apart.
        (None, None) => format!("rx-{}", ctx.received_at.as_millisecond()),
    };
    Measurement {
        kind,
        code,
        components,
        device_time,
        effective,
        identifier: format!("{}/{code}/{when}", ctx.device_id),
        device_id: ctx.device_id.to_string(),
        meal: None,
    }
}

fn blood_pressure(m: &BloodPressureMeasurement, ctx: &ReadingContext<'_>) -> Vec<Measurement> {
    let unit = match m.unit {
        PressureUnit::MmHg => "mm[Hg]",
        PressureUnit::KPa => "kPa",
    };
    let mut out = vec![build(
        ctx,
        MeasurementKind::BloodPressure,
        loinc::BLOOD_PRESSURE_PANEL,
        vec![
            component(loinc::SYSTOLIC, m.systolic, unit),
            component(loinc::DIASTOLIC, m.diastolic, unit),
            component(loinc::MEAN_ARTERIAL, m.mean_arterial_pressure, unit),
        ],
        m.time_stamp,
        None,
    )];
    if let Some(pulse) = m.pulse_rate {
        out.push(build(
            ctx,
            MeasurementKind::Pulse,
            loinc::HEART_RATE,
            vec![component(loinc::HEART_RATE, pulse, "/min")],
            m.time_stamp,
            None,
        ));
    }
    out
}

fn temperature(m: &TemperatureMeasurement, ctx: &ReadingContext<'_>) -> Measurement {
    let unit = match m.unit {
        TemperatureUnit::Celsius => "Cel",
        TemperatureUnit::Fahrenheit => "[degF]",
    };
    build(
        ctx,
        MeasurementKind::BodyTemperature,
        loinc::BODY_TEMPERATURE,
        vec![component(loinc::BODY_TEMPERATURE, m.value, unit)],
        m.time_stamp,
        None,
    )
}

fn weight(m: &WeightMeasurement, ctx: &ReadingContext<'_>) -> Measurement {
    let unit = match m.units {
        UnitSystem::Si => "kg",
        UnitSystem::Imperial => "[lb_av]",
    };
    build(
        ctx,
        MeasurementKind::BodyWeight,
        loinc::BODY_WEIGHT,
        vec![component(loinc::BODY_WEIGHT, Value::Number(m.weight), unit)],
        m.time_stamp,
        None,
    )
}

fn glucose(m: &GlucoseMeasurement, ctx: &ReadingContext<'_>) -> Result<Measurement, MeasurementError> {
    let c = m.concentration.as_ref().ok_or(MeasurementError::NoConcentration(m.sequence_number))?;
    let (code, unit, value) = match c.unit {
        ConcentrationUnit::MolPerL => (loinc::GLUCOSE_MOLAR, "mmol/L", c.value.map(|d| d.scale(3))),
        ConcentrationUnit::KgPerL => (loinc::GLUCOSE_MASS, "mg/dL", c.value.map(|d| d.scale(5))),
    };
    Ok(build_at(
        ctx,
        MeasurementKind::BloodGlucose,
        code,
        vec![component(code, value, unit)],
        m.device_time(),
        Some(m.sequence_number),
    ))
}

fn oximetry(spo2: Value, pulse: Value, stamp: Option<DateTime>, ctx: &ReadingContext<'_>) -> Vec<Measurement> {
    vec![
        build(
            ctx,
            MeasurementKind::OxygenSaturation,
            loinc::SPO2,
            vec![component(loinc::SPO2, spo2, "%")],
            stamp,
            None,
        ),
        build(
            ctx,
            MeasurementKind::Pulse,
            loinc::HEART_RATE,
            vec![component(loinc::HEART_RATE, pulse, "/min")],
            stamp,
            None,
        ),
    ]
}

fn spot_check(m: &PlxSpotCheck, ctx: &ReadingContext<'_>) -> Vec<Measurement> {
    // A clock the device itself says was never set is not used.
    let stamp = if m.device_clock_not_set { None } else { m.time_stamp };
    oximetry(m.reading.spo2, m.reading.pulse_rate, stamp, ctx)
}

fn continuous(m: &PlxContinuous, ctx: &ReadingContext<'_>) -> Vec<Measurement> {
    oximetry(m.normal.spo2, m.normal.pulse_rate, None, ctx)
}

fn heart_rate(m: &HeartRateMeasurement, ctx: &ReadingContext<'_>) -> Measurement {
    let value = Value::Number(Decimal::new(i32::from(m.heart_rate), 0));
    build(ctx, MeasurementKind::Pulse, loinc::HEART_RATE, vec![component(loinc::HEART_RATE, value, "/min")], None, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::oslo, gatt};

    fn ctx(tz: &TimeZone) -> ReadingContext<'_> {
        ReadingContext {
            device_id: "00:11:22:33:44:55",
            received_at: "2026-11-23T08:00:00Z".parse().unwrap(),
            clock: ClockCorrection::default(),
            time_zone: tz,
        }
    }

    fn measure(uuid: u16, hex: &str, ctx: &ReadingContext<'_>) -> Vec<Measurement> {
        let c = gatt::Characteristic::ALL.into_iter().find(|c| c.short_uuid() == uuid).unwrap();
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        from_decoded(&gatt::decode(c, &bytes).unwrap(), ctx).unwrap()
    }

    fn values(m: &Measurement) -> Vec<(&'static str, String, &'static str)> {
        m.components
            .iter()
            .map(|c| {
                let v = match c.value {
                    ComponentValue::Value(d) => d.to_string(),
                    ComponentValue::Absent(s) => format!("absent:{s:?}"),
                };
                (c.code, v, c.unit)
            })
            .collect()
    }

    #[test]
    fn table_of_packets_to_coded_measurements() {
        let tz = oslo();
        let ctx = ctx(&tz);
        // (uuid, hex, [(kind, code, [(component code, value, unit)])])
        type Expected = Vec<(MeasurementKind, &'static str, Vec<(&'static str, &'static str, &'static str)>)>;
        let cases: Vec<(u16, &str, Expected)> = vec![
            (
                0x2A35,
                "06780050005d00ea070b170800004800",
                vec![
                    (
                        MeasurementKind::BloodPressure,
                        "85354-9",
                        vec![("8480-6", "120", "mm[Hg]"), ("8462-4", "80", "mm[Hg]"), ("8478-0", "93", "mm[Hg]")],
                    ),
                    (MeasurementKind::Pulse, "8867-4", vec![("8867-4", "72", "/min")]),
                ],
            ),
            (0x2A1C, "00700100ff", vec![(MeasurementKind::BodyTemperature, "8310-5", vec![("8310-5", "36.8", "Cel")])]),
            (0x2A9D, "00b036", vec![(MeasurementKind::BodyWeight, "29463-7", vec![("29463-7", "70.000", "kg")])]),
            (0x2A9D, "01b036", vec![(MeasurementKind::BodyWeight, "29463-7", vec![("29463-7", "140.00", "[lb_av]")])]),
            (
                0x2A18,
                "062a00ea070b1706320037c012",
                vec![(MeasurementKind::BloodGlucose, "15074-8", vec![("15074-8", "5.5", "mmol/L")])],
            ),
            (
                0x2A5E,
                "00ff074800",
                vec![
                    (MeasurementKind::OxygenSaturation, "2708-6", vec![("2708-6", "absent:Nan", "%")]),
                    (MeasurementKind::Pulse, "8867-4", vec![("8867-4", "72", "/min")]),
                ],
            ),
            (0x2A37, "0048", vec![(MeasurementKind::Pulse, "8867-4", vec![("8867-4", "72", "/min")])]),
        ];
        for (uuid, hex, expected) in cases {
            let got = measure(uuid, hex, &ctx);
            let got: Expected = got
                .iter()
                .map(|m| (m.kind, m.code, values(m).into_iter().map(|(c, v, u)| (c, &*v.leak(), u)).collect()))
                .collect();
            assert_eq!(got, expected, "{uuid:#06x} {hex}");
        }
    }

    #[test]
    fn device_time_is_kept_and_corrected_to_utc() {
        let tz = oslo();
        let mut ctx = ctx(&tz);
        // The cuff's clock runs 5 minutes fast.
        let device_now = civil::date(2026, 11, 23).at(9, 5, 0, 0);
        ctx.clock = ClockCorrection::measure(device_now, ctx.received_at, &tz).unwrap();
        assert_eq!(ctx.clock.device_ahead_by, SignedDuration::from_mins(5));
        let m = &measure(0x2A35, "02780050005d00ea070b17080500", &ctx)[0];
        assert_eq!(m.device_time, Some(civil::date(2026, 11, 23).at(8, 5, 0, 0)));
        // 08:05 Oslo (UTC+1) on a clock 5 min fast = 07:00 UTC.
        assert_eq!(m.effective, "2026-11-23T07:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(m.identifier, "00:11:22:33:44:55/85354-9/2026-11-23T08:05:00");
    }

    #[test]
    fn identifiers_deduplicate_re_sent_records() {
        let tz = oslo();
        let a = measure(0x2A18, "062a00ea070b1706320037c012", &ctx(&tz));
        let mut later = ctx(&tz);
        later.received_at = "2026-11-24T10:00:00Z".parse().unwrap();
        let b = measure(0x2A18, "062a00ea070b1706320037c012", &later);
        assert_eq!(a[0].identifier, b[0].identifier);
        assert_eq!(a[0].identifier, "00:11:22:33:44:55/15074-8/seq-42");
        // Without a device time, the receive time is used and said so.
        let m = measure(0x2A9D, "00b036", &ctx(&tz));
        assert_eq!(m[0].effective, ctx(&tz).received_at);
        assert!(m[0].identifier.ends_with("/rx-1795420800000"), "{}", m[0].identifier);
    }

    #[test]
    fn packets_that_are_not_readings() {
        let tz = oslo();
        let icp = gatt::decode(gatt::Characteristic::IntermediateCuffPressure, &[0, 0x8C, 0, 0xFF, 0x07, 0xFF, 0x07])
            .unwrap();
        assert_eq!(from_decoded(&icp, &ctx(&tz)).unwrap_err(), MeasurementError::Intermediate);
        let racp = gatt::decode(gatt::Characteristic::RecordAccessControlPoint, &[6, 0, 1, 1]).unwrap();
        assert_eq!(from_decoded(&racp, &ctx(&tz)).unwrap_err(), MeasurementError::NotAMeasurement);
        let no_conc =
            gatt::decode(gatt::Characteristic::GlucoseMeasurement, &[0, 7, 0, 0xEA, 0x07, 11, 23, 6, 50, 0]).unwrap();
        assert_eq!(from_decoded(&no_conc, &ctx(&tz)).unwrap_err(), MeasurementError::NoConcentration(7));
    }
}
