//! Start-up measurement for `bench/cold_start.sh`: the time from process
//! start to the today screen being interactive (the UI reports it once, with
//! the `ui_ready` command), and the memory of the app with its WebKit
//! processes at that moment. Only active when `HEIMA_MEASURE_STARTUP` is
//! set (read by debug builds and the `startup-bench` feature's release,
//! `environment.rs`); then one line `HEIMA_STARTUP {json}` goes to stdout and the app
//! exits.

use std::{sync::OnceLock, time::Instant};

use serde::Serialize;
use tauri::AppHandle;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`.
pub fn mark_process_start() {
    STARTED.get_or_init(Instant::now);
}

#[derive(Serialize)]
struct Figures {
    ready_ms: u128,
    processes: usize,
    rss_kib: u64,
    pss_kib: u64,
    /// `(name, PSS KiB)` per process.
    each: Vec<(String, u64)>,
}

/// Every process below `root` (the app and the WebKit processes it spawned).
fn tree(root: u32) -> Vec<u32> {
    let mut parents = vec![];
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            // The parent pid is the 2nd field after the parenthesised name.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

fn kib(path: String, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The UI's first screen is ready: report and exit when measuring.
#[tauri::command]
pub fn ui_ready(app: AppHandle) {
    if crate::environment::shell_variable(crate::environment::ShellVariable::MeasureStartup).is_none() {
        return;
    }
    let ready_ms = STARTED.get().map_or(0, |s| s.elapsed().as_millis());
    let pids = tree(std::process::id());
    let figures = Figures {
        ready_ms,
        processes: pids.len(),
        rss_kib: pids.iter().map(|p| kib(format!("/proc/{p}/status"), "VmRSS:")).sum(),
        pss_kib: pids.iter().map(|p| kib(format!("/proc/{p}/smaps_rollup"), "Pss:")).sum(),
        each: pids
            .iter()
            .map(|p| {
                let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default().trim().to_string();
                (name, kib(format!("/proc/{p}/smaps_rollup"), "Pss:"))
            })
            .collect(),
    };
    println!("HEIMA_STARTUP {}", serde_json::to_string(&figures).unwrap_or_default());
    app.exit(0);
}
