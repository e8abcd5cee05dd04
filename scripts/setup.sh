#!/usr/bin/env bash
# Installs what Heima needs on a Debian/Ubuntu machine, only what is missing,
# so it is quick when everything is already there. Sourced by run.sh and
# test.sh; not meant to be typed by hand.
set -euo pipefail

# Packages to build and run the Tauri app.
APP_PACKAGES=(
  build-essential pkg-config
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libgtk-3-dev libxdo-dev libssl-dev libdbus-1-dev
  # Calls: GStreamer with VP8 (libvpx), Opus, RTP, V4L2 camera, PulseAudio, JPEG.
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # "Les opp": speech-dispatcher with espeak-ng's voices.
  speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
)
# Extra packages for the tests: a virtual display, WebKit's WebDriver,
# Chromium with its driver (the nurse's side of the call interop test), and
# a D-Bus daemon (a session bus of the test's own for the one-copy test),
# coturn (the TURN relay of the relay-only call test), GNOME's
# notification-daemon (the server the hidden-window test's reminder reaches),
# python-dbusmock (BlueZ simulated at its D-Bus API, tests/bluez/), and sox
# (the read-aloud test measures the speech it captures).
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver chromium chromium-driver dbus coturn notification-daemon python3-dbusmock sox)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_apt() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || {
    echo "setup: Rust is missing. Install it with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  }
}

# Installs a cargo tool when its command is missing:
# ensure_cargo_tool BIN CRATE [VERSION [EXTRA CARGO INSTALL ARGS...]]
ensure_cargo_tool() {
  local bin=$1 crate=$2 version=${3:-}
  shift $(($# < 3 ? $# : 3))
  command -v "$bin" >/dev/null 2>&1 && return 0
  [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/$bin" ] && return 0
  echo "setup: installing $crate" >&2
  if [ -n "$version" ]; then
    cargo install "$crate" --locked --version "$version" "$@"
  else
    cargo install "$crate" --locked "$@"
  fi
}

# hfs with the features the tests use; an install without them (an older
# checkout's) is built again, once.
HFS_FEATURES='"features":["R4","sqlite","subscriptions"]'
ensure_hfs() {
  local record="${CARGO_HOME:-$HOME/.cargo}/.crates2.json"
  if [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/hfs" ] && [ -f "$record" ] \
    && grep -o '"helios-hfs 0\.2\.7 [^}]*' "$record" | grep -qF "$HFS_FEATURES"; then
    return 0
  fi
  echo "setup: installing helios-hfs with subscriptions" >&2
  cargo install helios-hfs --locked --version 0.2.7 --no-default-features --features R4,sqlite,subscriptions
}

setup_app() {
  ensure_rust
  ensure_apt "${APP_PACKAGES[@]}"
}

# rustfmt and clippy for the style checks (rustup's minimal profile lacks them).
ensure_rust_components() {
  local component
  for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
      echo "setup: adding the $component component" >&2
      rustup component add "$component"
    fi
  done
}

setup_tests() {
  setup_app
  ensure_rust_components
  ensure_apt "${TEST_PACKAGES[@]}"
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  ensure_cargo_tool cargo-nextest cargo-nextest
  # tauri-driver 2.x speaks to WebKitWebDriver; 3.x is an alpha for Tauri 3.
  ensure_cargo_tool tauri-driver tauri-driver '^2'
  # A real FHIR R4 server for the sync and push tests (about 35 minutes to
  # build once): R4 on SQLite with topic-based subscriptions, without the
  # web UI the tests never open. One build serves every test.
  ensure_hfs
  ensure_test_oidc_provider
  ensure_test_fhir_validator
}

# The supply-chain step's tools (scripts/supply-chain.sh), pinned: cargo-deny
# (about 2 minutes to build once), cargo-about (3), cargo-cyclonedx (1);
# jq and Python for the lock files; the npm registry for the vendored UI
# libraries; appstreamcli for the package's metainfo.
ensure_supply_chain_tools() {
  ensure_apt jq python3 git appstream
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  ensure_cargo_tool cargo-deny cargo-deny 0.20.2
  ensure_cargo_tool cargo-about cargo-about 0.9.3 --features cli
  ensure_cargo_tool cargo-cyclonedx cargo-cyclonedx 0.5.9
}

# The Windows step's tools (scripts/windows-test.sh): the Rust target, the
# MinGW-w64 cross compiler (SQLCipher and OpenSSL are C) and Wine to run
# the tests.
ensure_windows_tools() {
  ensure_apt gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64
  if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "setup: adding the x86_64-pc-windows-gnu target" >&2
    rustup target add x86_64-pc-windows-gnu
  fi
}

# The package test's tools: the Tauri CLI (its prebuilt binary from the npm
# registry, pinned by tests/package/package-lock.json; no 10-minute build)
# and what installs and opens a desktop entry's scheme.
ensure_package_tools() {
  ensure_apt desktop-file-utils xdg-utils dbus gnome-keyring jq appstream ca-certificates
  ensure_npm_ci tests/package "the Tauri CLI"
}

# `npm ci` in folder $1 (what it installs: $2) unless its node_modules
# already match the lock file; Node.js is the machine's own, else Debian's.
ensure_npm_ci() {
  command -v node >/dev/null && command -v npm >/dev/null || ensure_apt nodejs npm
  local lock="$1/package-lock.json" stamp="$1/node_modules/.heima-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
    echo "setup: installing $2 (npm ci)" >&2
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error >/dev/null
    cp "$lock" "$stamp"
  fi
}

# The FHIR validators of core/tests/fhir_validation.rs (ajv with the R4
# JSON schema, Medplum's validator with the R4 profiles; from the npm
# registry, pinned by tests/fhir-validator/package-lock.json).
ensure_test_fhir_validator() {
  ensure_npm_ci tests/fhir-validator "the FHIR validators"
}

# The independent OpenID provider of the login tests (oidc-provider, from
# the npm registry, pinned by tests/oidc/package-lock.json) and Node.js to
# run it: the machine's own, else Debian's.
ensure_test_oidc_provider() {
  ensure_npm_ci tests/oidc "the test OpenID provider"
}
