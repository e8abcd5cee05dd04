#!/usr/bin/env bash
# Installs what is missing and runs every test: formatting, clippy (no
# warnings), the tidy checks, unit and data-driven tests of the core, the
# locale checks, the end-to-end tests of the real app under a virtual
# display, the supply chain (cargo deny, third-party notices, SBOM), the
# core built for Windows with its tests under Wine, and the package test
# (the release .deb installed, run and removed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_tests

# Style first: it is quick and says what is wrong before the long part.
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

# What Heima is made of: advisories, licences, duplicates, sources; the
# notices and the SBOM the package installs.
scripts/supply-chain.sh

# The end-to-end tests drive the real binary, so build it first.
cargo build -p heima-app --bin heima

# No D-Bus session bus is needed; give WebKit a private runtime dir.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  cargo nextest run --workspace -E 'not binary(package)' "$@"

# The core built for Windows (MinGW-w64) and its tests run under Wine.
scripts/windows-test.sh

# Last: bundle, install, run and remove the package (needs the tests above
# to have passed; it replaces the debug binary with the bundled one).
scripts/package-test.sh
