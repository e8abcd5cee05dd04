//! Frame gaps in the real app while it works hard: an enrolled app drains
//! 10,000 waiting readings to a real FHIR server (hfs behind the test
//! gateway) while readings are stored through the same store every 200 ms
//! (typed, through the same commands and store lock a device session
//! uses). A page script counts the time between animation frames; a gap
//! over 100 ms is a frozen screen. Run with `bench/frame_gaps.sh` (Xvfb);
//! figures in `bench/RESULTS.md`.

use std::time::{Duration, Instant};

use heima_core::store::{readings::EnteredBy, Store, StoreKey};
use heima_e2e::{service::TestService, App, Launch};
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

const READINGS: usize = 10_000;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let service = TestService::start([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    let direct = service.direct();

    let data = tempfile::tempdir().unwrap();
    let env = service.env(None);
    let log = data.path().join("app.log");
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.vars(), log_to: Some(&log) }).await;
    app.enrol_with_code("7531", &service.code).await;

    // 10,000 readings wait in the app's own database.
    let key = StoreKey::from_hex(&std::fs::read_to_string(data.path().join("test-store.key")).unwrap()).unwrap();
    {
        let mut store = Store::open(&data.path().join("heima.db"), &key, Timestamp::now()).unwrap().store;
        let now = Timestamp::now();
        let ms: Vec<_> = (0..READINGS)
            .map(|n| {
                let at = now - SignedDuration::from_secs(60 + n as i64 * 30);
                heima_test_support::readings::weight(
                    70_000 + (n % 5000) as i32,
                    at,
                    "aa:bb:cc:00:00:09",
                    &format!("f-{n}"),
                )
            })
            .collect();
        heima_test_support::readings::store_unjudged(&mut store, &ms, EnteredBy::Patient);
    }

    // Count the frames: a script that changes a pixel every frame, so the
    // page paints each one, and records the time between them.
    app.go("#/today").await;
    app.client
        .execute(
            "window.__gaps = []; let last = performance.now(); const dot = document.createElement('div');
             dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px'; document.body.append(dot);
             let flip = false;
             const frame = (t) => { window.__gaps.push(t - last); last = t; flip = !flip;
               dot.style.background = flip ? 'rgba(0,0,0,0.01)' : 'rgba(0,0,0,0.02)'; requestAnimationFrame(frame); };
             requestAnimationFrame(frame);
             window.__typed = 0;
             window.__typing = setInterval(() => window.__TAURI__.core
               .invoke('enter_reading', { kind: 'pulse', values: { '8867-4': String(60 + (window.__typed++ % 30)) } })
               .catch(() => {}), 200);
             window.__TAURI__.core.invoke('sync_now');",
            vec![],
        )
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let status: Value = app
            .client
            .execute_async(
                "const done = arguments[0]; window.__TAURI__.core.invoke('service_status').then(done, e => done(null));",
                vec![],
            )
            .await
            .unwrap();
        let waiting = status["waiting"].as_u64();
        if waiting == Some(0) && direct.count("Observation").await.unwrap() >= READINGS as u64 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(900), "the drain did not finish: {status}");
        let _ = app.client.execute("window.__TAURI__.core.invoke('sync_now')", vec![]).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let drained = started.elapsed();
    let result: Value = app
        .client
        .execute("clearInterval(window.__typing); return [window.__gaps, window.__typed];", vec![])
        .await
        .unwrap();
    app.close().await;
    let mut gaps: Vec<f64> = result[0].as_array().unwrap().iter().skip(1).filter_map(Value::as_f64).collect();
    gaps.sort_by(f64::total_cmp);
    let at = |q: f64| gaps[((gaps.len() as f64 - 1.0) * q).round() as usize];
    let over = gaps.iter().filter(|g| **g > 100.0).count();
    println!(
        "FRAME_GAPS {}",
        json!({
            "readings_drained": READINGS,
            "drain_seconds": drained.as_secs_f64(),
            "readings_typed_meanwhile": result[1],
            "frames": gaps.len(),
            "gap_median_ms": at(0.5),
            "gap_p99_ms": at(0.99),
            "gap_max_ms": gaps.last(),
            "gaps_over_100_ms": over,
        })
    );
}
