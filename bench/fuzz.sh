#!/usr/bin/env bash
# Runs every decoder fuzz target for a bounded time (default 60 s each) and
# prints one line per target. Not part of CI. cargo-fuzz wants nightly
# features; RUSTC_BOOTSTRAP=1 lets the stable toolchain provide them.
#   bench/fuzz.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_rust
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
ensure_cargo_tool cargo-fuzz cargo-fuzz
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
cd fuzz
for target in $(cargo fuzz list); do
  log="$(mktemp)"
  if cargo fuzz run "$target" -- -max_total_time="$seconds" -max_len=64 >"$log" 2>&1; then
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
    echo "$target: ok, $runs runs in ${seconds}s, no panic"
  else
    echo "$target: FAILED (see $log)"
    tail -20 "$log"
    exit 1
  fi
done
