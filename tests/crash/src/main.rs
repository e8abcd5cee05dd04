//! `crash-writer <db> <key-hex> <run-id>`: stores weight readings in small
//! batches as fast as it can and prints `ack <identifier>` for each one
//! only after the store call returned (that is, after it is durable). The
//! crash test kills it at random moments.

use std::io::Write;

use heima_core::{
    measurement::{Component, ComponentValue, Measurement},
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, NewReading},
        Store, StoreKey,
    },
    vocabulary::Decimal,
};
use jiff::Timestamp;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, key, run] = &args[..] else {
        eprintln!("usage: crash-writer <db> <key-hex> <run-id>");
        std::process::exit(2);
    };
    let key = StoreKey::from_hex(key).expect("64 hex digits");
    let now = Timestamp::now();
    let mut store = Store::open(db.as_ref(), &key, now).expect("store opens").store;
    let mut out = std::io::stdout().lock();
    for batch in 0u64.. {
        let size = 1 + (batch % 4) as usize;
        let measurements: Vec<Measurement> = (0..size)
            .map(|i| Measurement {
                kind: MeasurementKind::BodyWeight,
                code: "29463-7",
                components: vec![Component {
                    code: "29463-7",
                    value: ComponentValue::Value(Decimal::new(80_000 + i as i32, -3)),
                    unit: "kg",
                }],
                device_time: None,
                effective: now,
                identifier: format!("crash/{run}/{batch}/{i}"),
                device_id: "crash-writer".into(),
                meal: None,
            })
            .collect();
        let readings: Vec<NewReading<'_>> =
            measurements.iter().map(|m| NewReading::unjudged(m, EnteredBy::Patient, now)).collect();
        store.insert_readings(&readings).expect("insert");
        for m in &measurements {
            writeln!(out, "ack {}", m.identifier).unwrap();
        }
        out.flush().unwrap();
    }
}
