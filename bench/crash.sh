#!/usr/bin/env bash
# The full crash test: 200 SIGKILLs while readings are being stored
# (the test suite runs 20). Prints the report; copy figures to RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
HEIMA_CRASH_KILLS="${1:-200}" cargo nextest run --release -p heima-crash-test --no-capture 2>&1 | grep -E "CrashReport|PASS|FAIL"
