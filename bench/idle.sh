#!/usr/bin/env bash
# A quiet network, measured on the real (debug) app enrolled with hfs (with
# subscriptions) behind the test gateway (tests/e2e/benches/idle.rs):
# requests per hour while idle (goal <= 12), CPU of all the app's processes
# (goal < 1 % of one core), and the time from the nurse's call to the ring
# (goal < 1 s on loopback). HEIMA_IDLE_MINUTES sets the idle window
# (default 60; at least 5). Prints one `IDLE {json}` line; copy the figures
# to bench/RESULTS.md. The driver is built with the dev profile: it only
# drives and counts; the app is the debug build the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p heima-app --bin heima
XDG_RUNTIME_DIR="$(mktemp -d)" xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  cargo bench --profile dev -p heima-e2e --bench idle 2>/dev/null | grep '^IDLE'
