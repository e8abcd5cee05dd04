#!/usr/bin/env bash
# Ten thousand tablets against one hfs with subscriptions, on loopback
# (core/benches/load.rs): set-up, idle (sockets open, hourly rounds at their
# real pace), readings at rising rates (where hfs saturates), and push
# latency with every socket open. HEIMA_LOAD_TABLETS (default 10000),
# HEIMA_LOAD_IDLE_SECS (60), HEIMA_LOAD_STEP_SECS (15). Prints one
# `LOAD {json}` line; copy the figures to bench/RESULTS.md. The tablets
# are built with the dev profile (dependencies at opt-level 1); the
# server is the release hfs.
set -euo pipefail
cd "$(dirname "$0")/.."
# Two file descriptors a tablet (client and server side).
ulimit -n "$(ulimit -Hn)"
cargo bench --profile dev -p heima-core --bench load 2>/dev/null | grep '^LOAD'
