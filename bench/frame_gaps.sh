#!/usr/bin/env bash
# Frame gaps of the real (debug) app while it drains 10,000 readings to a
# real hfs and stores typed readings every 200 ms (tests/e2e/benches/
# frame_gaps.rs). Goal: no gap over 100 ms. Prints one `FRAME_GAPS {json}`
# line; copy the figures to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p heima-app --bin heima
XDG_RUNTIME_DIR="$(mktemp -d)" xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  cargo bench -p heima-e2e --bench frame_gaps 2>/dev/null | grep '^FRAME_GAPS'
