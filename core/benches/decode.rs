//! Decoder throughput (criterion): a mix of real-world packets, one decode
//! each. Goal (issue 3): at least 5 million packets per second per core.
//! Figures in `bench/RESULTS.md`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heima_core::gatt::{decode, Characteristic};
use std::hint::black_box;

fn packets() -> Vec<(Characteristic, Vec<u8>)> {
    use Characteristic::*;
    vec![
        (
            BloodPressureMeasurement,
            vec![0x1E, 0x78, 0, 0x50, 0, 0x5D, 0, 0xEA, 0x07, 11, 23, 8, 1, 30, 0x48, 0, 2, 0, 0],
        ),
        (TemperatureMeasurement, vec![0x06, 0x70, 0x01, 0x00, 0xFF, 0xEA, 0x07, 11, 23, 7, 45, 0, 6]),
        (WeightMeasurement, vec![0x0E, 0xB0, 0x36, 0xEA, 0x07, 11, 23, 7, 34, 0, 1, 0xF1, 0x00, 0xBE, 0x06]),
        (GlucoseMeasurement, vec![0x07, 0x2A, 0x00, 0xEA, 0x07, 11, 23, 6, 50, 0, 0xE2, 0xFF, 0x37, 0xC0, 0x12]),
        (PlxSpotCheckMeasurement, vec![0x01, 0x61, 0x00, 0x48, 0x00, 0xEA, 0x07, 11, 23, 8, 10, 0]),
        (HeartRateMeasurement, vec![0x10, 72, 0x00, 0x04, 0x52, 0x03]),
    ]
}

fn bench(c: &mut Criterion) {
    let packets = packets();
    for (ch, bytes) in &packets {
        decode(*ch, bytes).expect("bench packets are valid");
    }
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(packets.len() as u64));
    group.bench_function("mixed-6-packets", |b| {
        b.iter(|| {
            for (ch, bytes) in &packets {
                black_box(decode(*ch, black_box(bytes)).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
