//! Sample readings for tests and benchmarks: weights and pulses as a
//! device would send them, stored as the patient's, unjudged.

use heima_core::{
    measurement::{Component, ComponentValue, Measurement},
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, NewReading},
        Store,
    },
    vocabulary::Decimal,
};
use jiff::Timestamp;

/// A body weight of `grams` taken at `effective` by the scale `device_id`;
/// its identifier is `<device_id>/29463-7/<tag>`.
pub fn weight(grams: i32, effective: Timestamp, device_id: &str, tag: &str) -> Measurement {
    one_value(MeasurementKind::BodyWeight, "29463-7", Decimal::new(grams, -3), "kg", effective, device_id, tag)
}

/// A pulse of `bpm` taken at `effective` by `device_id`; its identifier
/// is `<device_id>/8867-4/<tag>`.
pub fn pulse(bpm: i32, effective: Timestamp, device_id: &str, tag: &str) -> Measurement {
    one_value(MeasurementKind::Pulse, "8867-4", Decimal::new(bpm, 0), "/min", effective, device_id, tag)
}

fn one_value(
    kind: MeasurementKind,
    code: &'static str,
    value: Decimal,
    unit: &'static str,
    effective: Timestamp,
    device_id: &str,
    tag: &str,
) -> Measurement {
    Measurement {
        kind,
        code,
        components: vec![Component { code, value: ComponentValue::Value(value), unit }],
        device_time: None,
        effective,
        identifier: format!("{device_id}/{code}/{tag}"),
        device_id: device_id.into(),
        meal: None,
    }
}

/// Stores `measurements` as entered by `by`, received when taken, unjudged.
pub fn store_unjudged(store: &mut Store, measurements: &[Measurement], by: EnteredBy) {
    let rows: Vec<NewReading<'_>> = measurements.iter().map(|m| NewReading::unjudged(m, by, m.effective)).collect();
    store.insert_readings(&rows).expect("readings stored");
}
