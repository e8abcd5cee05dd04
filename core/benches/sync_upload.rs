//! Sync throughput (issue 6): 10,000 queued readings to a local `hfs` in
//! transaction Bundles, against sending one resource per request (measured
//! on 1,000 readings and scaled). Peak resident memory of this process is
//! reported too. Not criterion: one long run each is the measurement.
//!   cargo bench -p heima-core --bench sync_upload

use std::time::{Duration, Instant};

use heima_core::{
    measurement::Measurement,
    store::{readings::EnteredBy, Store, StoreKey},
    sync::{client::FhirClient, upload::Drain},
};
use heima_test_support::{hfs, readings};
use jiff::Timestamp;

fn store_with(count: usize, tag: &str) -> Store {
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([8; 32])).unwrap();
    let ms: Vec<Measurement> = (0..count)
        .map(|n| {
            let at = Timestamp::from_second(1_790_000_000 + n as i64 * 60).unwrap();
            readings::pulse(60 + (n % 40) as i32, at, "bench", &format!("{tag}-{n}"))
        })
        .collect();
    for chunk in ms.chunks(1000) {
        readings::store_unjudged(&mut store, chunk, EnteredBy::Patient);
    }
    store
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn timed(client: &FhirClient, count: usize, batch: usize, tag: &str) -> Duration {
    let mut store = store_with(count, tag);
    let started = Instant::now();
    let report = Drain { client, subject: None, national_id: None, batch_size: batch }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .expect("upload");
    let elapsed = started.elapsed();
    assert_eq!(report.created, count, "{report:?}");
    elapsed
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo bench asks benches to list themselves; nothing to list.
    }
    let server = hfs::Hfs::start().await;
    let client = FhirClient::new(&server.base, Duration::from_secs(120), None).unwrap();
    let before = peak_rss_mib();
    let bundled = timed(&client, 10_000, 100, "bundled").await;
    let after = peak_rss_mib();
    let single = timed(&client, 1_000, 1, "single").await;
    let single_per = single.as_secs_f64() / 1_000.0;
    let bundled_per = bundled.as_secs_f64() / 10_000.0;
    println!(
        "10,000 readings in transactions of 100: {:.1} s ({:.2} ms per reading)",
        bundled.as_secs_f64(),
        bundled_per * 1e3
    );
    println!("1,000 readings one per request: {:.1} s ({:.2} ms per reading)", single.as_secs_f64(), single_per * 1e3);
    println!("ratio (one per request / bundled): {:.1}x", single_per / bundled_per);
    println!("peak resident memory: {before:.0} MiB before, {after:.0} MiB after the 10,000 upload");
}
