#!/usr/bin/env bash
# Runs the fuzz targets for a bounded time (default 60 s each) and prints
# one line per target. Not part of CI. cargo-fuzz wants nightly features;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain provide them.
#   bench/fuzz.sh [seconds-per-target] [target ...]
# Packet decoders get inputs up to 64 bytes; the JSON and text targets up
# to 64 KiB, starting from the demo's plan and questionnaires.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_rust
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
ensure_cargo_tool cargo-fuzz cargo-fuzz
seconds="${1:-60}"
shift || true
export RUSTC_BOOTSTRAP=1
root="$(pwd)"
cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
for target in "${targets[@]}"; do
  max_len=64
  corpus="corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    careplan) max_len=65536; cp "$root/core/demo/careplan.json" "$corpus/" ;;
    questionnaire) max_len=65536; cp "$root"/core/demo/questionnaire-*.json "$corpus/" ;;
    sdp_payload_type|link_header|activation) max_len=4096 ;;
  esac
  log="$(mktemp)"
  if cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len="$max_len" >"$log" 2>&1; then
    runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
    echo "$target: ok, $runs runs in ${seconds}s, no panic"
  else
    echo "$target: FAILED (see $log)"
    tail -20 "$log"
    exit 1
  fi
done
