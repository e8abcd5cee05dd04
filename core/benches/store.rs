//! Store speed (issue 4): 100,000 readings stored in batches (goal < 3 s),
//! and the last 90 days of one measurement type read out of five years of
//! data, about 40,000 rows (goal < 10 ms median). Figures in
//! `bench/RESULTS.md`.

use criterion::{criterion_group, criterion_main, Criterion};
use heima_core::{
    measurement::{Component, ComponentValue, Measurement},
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, NewReading},
        Store, StoreKey,
    },
    vocabulary::Decimal,
};
use jiff::{SignedDuration, Timestamp};
use std::time::{Duration, Instant};

const KINDS: [(MeasurementKind, &str, &str); 4] = [
    (MeasurementKind::BodyWeight, "29463-7", "kg"),
    (MeasurementKind::OxygenSaturation, "2708-6", "%"),
    (MeasurementKind::Pulse, "8867-4", "/min"),
    (MeasurementKind::BodyTemperature, "8310-5", "Cel"),
];

fn measurement(n: usize, at: Timestamp) -> Measurement {
    let (kind, code, unit) = KINDS[n % KINDS.len()];
    Measurement {
        kind,
        code,
        components: vec![Component {
            code,
            value: ComponentValue::Value(Decimal::new(800 + (n % 50) as i32, -1)),
            unit,
        }],
        device_time: None,
        effective: at,
        identifier: format!("bench/{n}"),
        device_id: "bench".into(),
        meal: None,
    }
}

fn fill(store: &mut Store, count: usize, span: SignedDuration, end: Timestamp, batch: usize) {
    let step = span / count as i32;
    let ms: Vec<Measurement> = (0..count).map(|n| measurement(n, end - span + step * n as i32)).collect();
    for chunk in ms.chunks(batch) {
        let readings: Vec<NewReading<'_>> =
            chunk.iter().map(|m| NewReading::unjudged(m, EnteredBy::Patient, m.effective)).collect();
        store.insert_readings(&readings).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let key = StoreKey::from_bytes([1; 32]);
    let end: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();

    let mut group = c.benchmark_group("store");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("insert-100k-in-batches-of-1000", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().unwrap();
                let mut store = Store::open(&dir.path().join("heima.db"), &key, end).unwrap().store;
                let started = Instant::now();
                fill(&mut store, 100_000, SignedDuration::from_hours(24 * 365 * 5), end, 1000);
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("heima.db"), &key, end).unwrap().store;
    fill(&mut store, 40_000, SignedDuration::from_hours(24 * 365 * 5), end, 1000);
    let from = end - SignedDuration::from_hours(24 * 90);
    let rows = store.readings(MeasurementKind::BodyWeight, from, end).unwrap().len();
    assert!(rows > 400, "query returns {rows} rows");
    let mut group = c.benchmark_group("store");
    group.bench_function("last-90-days-of-one-kind-in-40k-rows", |b| {
        b.iter(|| store.readings(MeasurementKind::BodyWeight, from, end).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
