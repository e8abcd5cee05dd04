#!/usr/bin/env bash
# Cold start of the real app to the today screen being interactive, and
# the memory of all its processes (the app and WebKit's) at that moment.
# Runs the release binary N times (default 10) under Xvfb, each with an
# empty data folder (first start: store created, demo seeded) and then N
# times with the folder kept (a normal start). The app prints one
# `HEIMA_STARTUP {json}` line and exits (see src-tauri/src/startup.rs).
# Goals: under 1.5 s, under 200 MB. Copy the figures to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
# HEIMA_APP_BIN measures another program built with the startup-bench
# feature (a shipped release reads no HEIMA_* variable: src-tauri/src/environment.rs).
if [ -n "${HEIMA_APP_BIN:-}" ]; then
  bin="$HEIMA_APP_BIN"
else
  cargo build --release -p heima-app --features startup-bench
  bin="${CARGO_TARGET_DIR:-target}/release/heima"
fi
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
measure() {
  HEIMA_MEASURE_STARTUP=1 HEIMA_DATA_DIR="$1" HEIMA_KEY_FILE="$1/bench.key" RUST_LOG=warn \
    timeout 60 xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" "$bin" 2>/dev/null \
    | sed -n 's/^HEIMA_STARTUP //p'
}
report() {
  python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
ms = [r["ready_ms"] for r in rows]
pss = [r["pss_kib"] / 1024 for r in rows]
rss = [r["rss_kib"] / 1024 for r in rows]
print(f"{sys.argv[1]}: {len(rows)} runs, ready median {statistics.median(ms):.0f} ms (min {min(ms)}, max {max(ms)}); "
      f"memory PSS median {statistics.median(pss):.0f} MiB, RSS sum {statistics.median(rss):.0f} MiB, " + str(rows[0]["processes"]) + " processes")
' "$1"
}
for i in $(seq "$runs"); do rm -rf "$data/first"; mkdir -p "$data/first"; measure "$data/first"; done | report "first start (empty data folder)"
mkdir -p "$data/kept"; measure "$data/kept" > /dev/null
for i in $(seq "$runs"); do measure "$data/kept"; done | report "normal start (data kept)"
