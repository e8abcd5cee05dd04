//! From notification bytes to a stored, traffic-light-judged reading (issue
//! 3): decode a blood-pressure packet, make the coded measurements (blood
//! pressure and pulse), judge them against the demo plan and store them
//! durably (SQLCipher, WAL, synchronous = FULL) in a file. Goal: under 5 ms
//! median. Figures in `bench/RESULTS.md`.

use criterion::{criterion_group, criterion_main, Criterion};
use heima_core::{
    clock::{oslo, FixedClock},
    demo::sample_plan,
    devices::session::ReadingSink,
    gatt::{decode, Characteristic},
    measurement::{from_decoded, ClockCorrection, ReadingContext},
    recording::StoreSink,
    store::{
        readings::{EnteredBy, Recorder},
        Store, StoreKey,
    },
};

fn packet(n: u32) -> Vec<u8> {
    // A distinct time stamp per packet, so none is a duplicate.
    let (day, rest) = (1 + (n / 86_400) % 28, n % 86_400);
    let mut p =
        vec![0x06, 0x78, 0x00, 0x50, 0x00, 0x5D, 0x00, 0xEA, 0x07, 1 + ((n / (86_400 * 28)) % 12) as u8, day as u8];
    p.extend([(rest / 3600) as u8, ((rest / 60) % 60) as u8, (rest % 60) as u8, 0x48, 0x00]);
    p
}

fn bench(c: &mut Criterion) {
    let clock = FixedClock::oslo("2026-11-23T08:00:00Z".parse().unwrap());
    let tz = oslo();
    let plan = sample_plan(&clock);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("heima.db"), &StoreKey::from_bytes([9; 32]), clock.now).unwrap().store;
    store
        .pair_device("b9:00:00:00:00:01", heima_core::vocabulary::HealthService::BloodPressure, "Cuff", clock.now)
        .unwrap();
    let mut n = 0u32;
    c.bench_function("ingest/notification-to-stored-judged-reading", |b| {
        b.iter(|| {
            n += 1;
            let bytes = packet(n);
            let decoded = decode(Characteristic::BloodPressureMeasurement, &bytes).unwrap();
            let ctx = ReadingContext {
                device_id: "b9:00:00:00:00:01",
                received_at: clock.now,
                clock: ClockCorrection::default(),
                time_zone: &tz,
            };
            let measurements = from_decoded(&decoded, &ctx).unwrap();
            let mut sink = StoreSink {
                store: &mut store,
                device_id: "b9:00:00:00:00:01",
                recorder: &Recorder::new(EnteredBy::Patient),
                clock: &clock,
                plan: Some(&plan),
            };
            sink.store(&measurements, None).unwrap();
        })
    });
    assert!(store.reading_count().unwrap() >= 2 * i64::from(n), "every packet stored");
}

criterion_group!(benches, bench);
criterion_main!(benches);
