//! A quiet network, measured on the real app: enrolled with a service (hfs
//! with subscriptions behind the test gateway, the test desk as its call
//! endpoint announcing calls on the FHIR server), the app is left alone
//! for `HEIMA_IDLE_MINUTES` (default 60) after its push channel is up.
//! Counts every request it makes to the service (FHIR, token, call
//! endpoint, the push channel's connects), the CPU of all its processes
//! (the app and WebKit's), then the time from the nurse's call to the ring
//! on the tablet's screen, five times. Run with `bench/idle.sh` (Xvfb);
//! figures in `bench/RESULTS.md`.

use std::{
    collections::BTreeMap,
    path::Path,
    time::{Duration, Instant},
};

use heima_e2e::{
    nurse_desk::{DeskOptions, NurseDesk},
    service::TestService,
    App, Launch,
};
use serde_json::{json, Value};

/// The processes of the app whose data folder is `data`: the app and
/// everything it started (WebKit's web and network processes).
fn app_processes(data: &Path) -> Vec<u32> {
    let needle = format!("HEIMA_DATA_DIR={}", data.display());
    let pids: Vec<u32> =
        std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    let parent = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit(')').next()?.split_whitespace().nth(1)?.parse().ok()
    };
    let mut found: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            exe.file_name().is_some_and(|n| n == "heima") && env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes())
        })
        .collect();
    loop {
        let more: Vec<u32> = pids
            .iter()
            .copied()
            .filter(|p| !found.contains(p) && parent(*p).is_some_and(|pp| found.contains(&pp)))
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// CPU seconds (user and system) the processes have used.
fn cpu_seconds(pids: &[u32]) -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    pids.iter()
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
            // After the name: state is field 3, utime 14, stime 15 (1-based).
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / ticks)
        })
        .sum()
}

fn count(requests: &[String]) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for r in requests {
        // Ids out, so the same kind of request is counted together.
        let kind: Vec<&str> = r
            .split('/')
            .map(|part| if part.chars().any(|c| c.is_ascii_digit()) && part.len() > 8 { "{id}" } else { part })
            .collect();
        *by.entry(kind.join("/")).or_insert(0) += 1;
    }
    by
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let minutes: u64 = std::env::var("HEIMA_IDLE_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(60);
    let service = TestService::start([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 5]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    let desk = NurseDesk::start(DeskOptions {
        token: None,
        ice_links: vec![],
        ring_limit: Duration::from_secs(30),
        announce: Some(service.announce()),
    })
    .await;
    service.take_calls_at(&desk);
    let gateway = &service.gateway;

    let data = tempfile::tempdir().unwrap();
    let env = service.env(Some(&desk));
    let log = data.path().join("app.log");
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.vars(), log_to: Some(&log) }).await;
    app.enrol_with_code("7531", &service.code).await;
    let started = Instant::now();
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("push: connected") {
        assert!(started.elapsed() < Duration::from_secs(60), "the push channel did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.go("#/today").await;
    // Start-up's rounds settle.
    tokio::time::sleep(Duration::from_secs(20)).await;

    let pids = app_processes(data.path());
    assert!(pids.len() >= 2, "the app and WebKit's processes: {pids:?}");
    let gateway_before = gateway.state.lock().unwrap().requests.len();
    let before = (gateway_before, desk.requests().await, cpu_seconds(&pids));
    let window = Instant::now();
    tokio::time::sleep(Duration::from_secs(minutes * 60)).await;
    let elapsed = window.elapsed().as_secs_f64();
    // The same processes as at the start (their program file may have been
    // rebuilt meanwhile, which renames what `/proc/<pid>/exe` shows).
    let cpu = cpu_seconds(&pids) - before.2;
    let requests = gateway.state.lock().unwrap().requests[before.0..].to_vec();
    let call_requests = desk.requests().await - before.1;
    let per_hour = (requests.len() + call_requests) as f64 * 3600.0 / elapsed;

    // The nurse calls: from her desk's request to the ring on the screen.
    let mut rings = vec![];
    let http = heima_core::net::client_builder().build().unwrap();
    for _ in 0..5 {
        let called = Instant::now();
        let placed: Value = http
            .post(format!("http://127.0.0.1:{}/desk/calls", desk.port))
            .body("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        app.wait_for_js("return !!document.querySelector('#call-incoming')").await;
        rings.push(called.elapsed().as_secs_f64() * 1000.0);
        let id = placed["id"].as_u64().unwrap();
        http.delete(format!("http://127.0.0.1:{}/desk/calls/{id}", desk.port)).send().await.unwrap();
        app.wait_for_js("return !document.querySelector('#call-incoming')").await;
        app.go("#/today").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    rings.sort_by(f64::total_cmp);
    let report = json!({
        "idle_minutes": elapsed / 60.0,
        "requests": requests.len() + call_requests,
        "requests_per_hour": (per_hour * 10.0).round() / 10.0,
        "by_kind": count(&requests),
        "call_endpoint_requests": call_requests,
        "processes": pids.len(),
        "cpu_seconds": cpu,
        "cpu_percent_of_one_core": (cpu / elapsed * 1000.0).round() / 10.0,
        "call_to_ring_ms": { "median": rings[2], "max": rings[4], "all": rings },
    });
    println!("IDLE {report}");
    app.close().await;
}
