//! Ten thousand tablets against one hfs (with subscriptions), on loopback,
//! bounded in time: the real push and sync client code (`sync::channel`'s
//! subscription, binding token and `PushSocket`; `sync::download`'s round;
//! `fhir::observation` and `sync::bundle`'s transaction for a reading), many
//! tablets in this one process. Phases:
//! 1. every tablet creates its subscription and binds its socket;
//! 2. idle: sockets open and pinged, each tablet's hourly round at its real
//!    pace, for `HEIMA_LOAD_IDLE_SECS` (default 60);
//! 3. readings: offered rates stepped up (10 readings a day per tablet
//!    compressed into the run) — achieved rate and upload latency per step,
//!    to see where the single hfs process saturates;
//! 4. the service writes messages to random tablets while all sockets are
//!    open: time until each arrives on its tablet's socket.
//!
//! Server CPU and memory from `/proc`, this process's too. Prints one
//! `LOAD {json}` line (`bench/load.sh`); figures in `bench/RESULTS.md`.
//! `HEIMA_LOAD_TABLETS` sets the number of tablets (default 10,000).

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use futures_util::{stream, StreamExt};
use heima_core::{
    fhir::{canonical, observations},
    store::{readings::EnteredBy, Store, StoreKey},
    sync::{
        bundle::{read_transaction_response, transaction, Entry},
        channel::{binding_token, create_subscription, Offer, PushSocket},
        client::FhirClient,
        download::download,
        push::pace,
    },
};
use heima_test_support::{hfs::Hfs, readings};
use jiff::Timestamp;
use serde_json::{json, Value};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// (CPU seconds, resident MiB) of a process.
fn usage(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    ((ticks(11) + ticks(12)) / 100.0, rss / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tablets = env("HEIMA_LOAD_TABLETS", 10_000) as usize;
    let idle_secs = env("HEIMA_LOAD_IDLE_SECS", 60);
    let hfs = Hfs::start().await;
    let server = hfs.pid();
    // One client for the many tablets in this process (a real tablet has its own).
    let client = FhirClient::new(&hfs.base, Duration::from_secs(60), None).unwrap();
    let requests = Arc::new(AtomicUsize::new(0));

    // 1. Subscriptions and sockets.
    let arrivals: Arc<Mutex<HashMap<usize, Instant>>> = Arc::default();
    let started = Instant::now();
    let setup_failures = Arc::new(AtomicUsize::new(0));
    let sockets: Vec<(usize, PushSocket)> = stream::iter(0..tablets)
        .map(|n| {
            let (client, requests, failures) = (client.clone(), requests.clone(), setup_failures.clone());
            async move {
                let patient = format!("Patient/load-{n}");
                let bound = async {
                    let id = create_subscription(&client, &patient).await.ok()??;
                    let Offer::Token(token) = binding_token(&client, &id).await.ok()? else { return None };
                    let mut socket = PushSocket::open(&client, &token).await.ok()?;
                    socket.next(pace::ANSWER_WITHIN, pace::ANSWER_WITHIN).await.ok()?;
                    Some(socket)
                }
                .await;
                let done = requests.fetch_add(3, Ordering::Relaxed) / 3 + 1;
                if bound.is_none() {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                if done % 1000 == 0 {
                    eprintln!("{done} tablets set up ({} failed)", failures.load(Ordering::Relaxed));
                }
                bound.map(|s| (n, s))
            }
        })
        .buffer_unordered(64)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    let setup_secs = started.elapsed().as_secs_f64();
    let connected = sockets.len();
    // Sockets still open (a socket whose ping goes unanswered is closed,
    // as on a tablet; these tablets do not connect again).
    let alive = Arc::new(AtomicUsize::new(connected));
    let open: Arc<Mutex<Vec<bool>>> = Arc::new(Mutex::new(vec![false; tablets]));
    for (n, mut socket) in sockets {
        let (arrivals, alive, open) = (arrivals.clone(), alive.clone(), open.clone());
        open.lock().unwrap()[n] = true;
        tokio::spawn(async move {
            while let Ok(notification) = socket.next(pace::KEEP_ALIVE, pace::ANSWER_WITHIN).await {
                if !notification.events.is_empty() {
                    arrivals.lock().unwrap().insert(n, Instant::now());
                }
            }
            alive.fetch_sub(1, Ordering::Relaxed);
            open.lock().unwrap()[n] = false;
        });
    }
    let (_, server_mib_connected) = usage(server);

    eprintln!("set up in {setup_secs:.1} s; idle for {idle_secs} s");
    // 2. Idle: each tablet's hourly round at its real pace.
    let rounds_per_sec = tablets as f64 / pace::POLL_WITH_PUSH.as_secs_f64();
    let (cpu0, _) = usage(server);
    let idle_started = Instant::now();
    let idle_requests = Arc::new(AtomicUsize::new(0));
    let mut round = 0usize;
    let tz = jiff::tz::TimeZone::UTC;
    while idle_started.elapsed() < Duration::from_secs(idle_secs) {
        let due = (idle_started.elapsed().as_secs_f64() * rounds_per_sec) as usize;
        while round < due {
            let (client, idle_requests, tz) = (client.clone(), idle_requests.clone(), tz.clone());
            let patient = format!("Patient/load-{}", round % tablets);
            tokio::spawn(async move {
                let mut store = Store::open_in_memory(&StoreKey::from_bytes([4; 32])).unwrap();
                if download(&mut store, &client, Some(&patient), Timestamp::now(), &tz).await.is_ok() {
                    idle_requests.fetch_add(4, Ordering::Relaxed);
                }
            });
            round += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let idle_elapsed = idle_started.elapsed().as_secs_f64();
    let (cpu1, server_mib_idle) = usage(server);
    let idle = json!({
        "seconds": round1(idle_elapsed),
        "rounds": round,
        "requests_per_sec": round1(idle_requests.load(Ordering::Relaxed) as f64 / idle_elapsed),
        "socket_pings_per_sec": round1(connected as f64 / pace::KEEP_ALIVE.as_secs_f64()),
        "server_cpu_percent": round1((cpu1 - cpu0) / idle_elapsed * 100.0),
        "server_mib": round1(server_mib_idle),
        "sockets_open": alive.load(Ordering::Relaxed),
    });

    // 3. Readings, offered at rising rates.
    let mut template_store = Store::open_in_memory(&StoreKey::from_bytes([5; 32])).unwrap();
    readings::store_unjudged(
        &mut template_store,
        &[readings::weight(73_450, Timestamp::now(), "aa:bb:cc:00:00:10", "template")],
        EnteredBy::Patient,
    );
    let template = template_store.reading_by_id(1).unwrap().unwrap();
    let mut steps = vec![];
    let mut sent = 0usize;
    let step_secs = env("HEIMA_LOAD_STEP_SECS", 15);
    for rate in [25u64, 50, 100, 200, 400, 800] {
        let (cpu0, _) = usage(server);
        let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
        let failed = Arc::new(AtomicUsize::new(0));
        let step_started = Instant::now();
        let total = (rate * step_secs) as usize;
        let mut handles = Vec::with_capacity(total);
        for i in 0..total {
            let at = step_started + Duration::from_secs_f64(i as f64 / rate as f64);
            tokio::time::sleep_until(at.into()).await;
            let n = sent + i;
            let mut reading = template.clone();
            reading.identifier = format!("load-{n}");
            reading.effective = Timestamp::now();
            let (client, latencies, failed) = (client.clone(), latencies.clone(), failed.clone());
            handles.push(tokio::spawn(async move {
                let subject = format!("Patient/load-{}", n % tablets);
                let entries: Vec<Entry> = observations(&reading, Some(&subject), None)
                    .into_iter()
                    .map(|o| Entry {
                        resource_type: "Observation".into(),
                        matches: vec![(canonical::OBSERVATION_IDENTIFIER.into(), o.identifier.clone())],
                        identifier: o.identifier,
                        resource: o.resource,
                        updates: false,
                    })
                    .collect();
                let bundle = transaction(entries.iter());
                let asked = Instant::now();
                let ok = match client.transaction(&bundle).await {
                    Ok(answer) => read_transaction_response(&answer).is_ok(),
                    Err(_) => false,
                };
                if ok {
                    latencies.lock().unwrap().push(asked.elapsed().as_secs_f64() * 1000.0);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // Bounded: what has not finished 30 s after the step is counted and dropped.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let mut unfinished = 0;
        for h in handles {
            let abort = h.abort_handle();
            if tokio::time::timeout_at(deadline, h).await.is_err() {
                abort.abort();
                unfinished += 1;
            }
        }
        sent += total;
        eprintln!("{rate}/s offered: {} done, {unfinished} unfinished", latencies.lock().unwrap().len());
        let elapsed = step_started.elapsed().as_secs_f64();
        let (cpu1, mib) = usage(server);
        let mut l = latencies.lock().unwrap().clone();
        l.sort_by(f64::total_cmp);
        steps.push(json!({
            "offered_per_sec": rate,
            "achieved_per_sec": round1(l.len() as f64 / elapsed),
            "failed": failed.load(Ordering::Relaxed),
            "unfinished_after_30_s": unfinished,
            "sockets_open": alive.load(Ordering::Relaxed),
            "p50_ms": round1(percentile(&l, 0.5)),
            "p95_ms": round1(percentile(&l, 0.95)),
            "server_cpu_percent": round1((cpu1 - cpu0) / elapsed * 100.0),
            "server_mib": round1(mib),
        }));
    }

    // 4. Messages to random tablets, while every socket is open.
    let mut push_ms = vec![];
    let still_open: Vec<usize> = (0..tablets).filter(|n| open.lock().unwrap()[*n]).collect();
    for k in 0..100usize.min(still_open.len()) {
        let n = still_open[(k * 7919) % still_open.len()];
        arrivals.lock().unwrap().remove(&n);
        let to = format!("Patient/load-{n}");
        let message = json!({ "resourceType": "Communication", "status": "completed",
            "subject": { "reference": to }, "recipient": [{ "reference": to }],
            "payload": [{ "contentString": "Hei" }] });
        let written = Instant::now();
        client.post("Communication", &message).await.unwrap();
        let deadline = written + Duration::from_secs(10);
        loop {
            if let Some(at) = arrivals.lock().unwrap().get(&n) {
                push_ms.push(at.duration_since(written).as_secs_f64() * 1000.0);
                break;
            }
            if Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    push_ms.sort_by(f64::total_cmp);
    let (_, client_mib) = usage(std::process::id());
    let report = json!({
        "tablets": tablets,
        "connected": connected,
        "setup_failures": setup_failures.load(Ordering::Relaxed),
        "setup_seconds": round1(setup_secs),
        "server_mib_connected": round1(server_mib_connected),
        "idle": idle,
        "readings_sent": sent,
        "steps": steps,
        "push": { "messages": 100usize.min(still_open.len()), "arrived": push_ms.len(), "p50_ms": round1(percentile(&push_ms, 0.5)),
                  "p95_ms": round1(percentile(&push_ms, 0.95)), "max_ms": round1(percentile(&push_ms, 1.0)) },
        "client_mib": round1(client_mib),
        "requests_in_setup": requests.load(Ordering::Relaxed),
    });
    println!("LOAD {report}");
    let _: Value = report;
}
