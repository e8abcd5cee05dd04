#!/usr/bin/env bash
# The package test: bundles the release .deb and .rpm with the Tauri
# bundler (as shipped: a release build reads no HEIMA_* variable),
# installs the .deb with apt (its AppStream metainfo validated, the
# third-party notices, SBOM and licences in /usr/share/doc/heima), runs
# tests/e2e/tests/package.rs against the installed /usr/bin/heima with a
# real Secret Service (today screen; the key in the keyring; a heima-enrol:
# link opened with xdg-open fills in the nurse's form; a restart with
# hostile HEIMA_* variables changes nothing; then, with a loopback-only test
# CA in the system's store and /etc/heima/config.toml trusting hfs behind
# the test gateway over HTTPS, a heima-enrol: link enrols it, a typed weight
# reaches the server, a restart finds the same store, and the start at login
# is set), then removes the package and checks nothing is left. Needs root
# or sudo without a password.
# Prints the package sizes. Called by scripts/test.sh after the other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_package_tools

target="${CARGO_TARGET_DIR:-target}"
# The notices and the SBOM the package installs (test.sh made them already).
[ -s target/third-party/THIRD-PARTY-NOTICES.txt ] && [ -s target/third-party/heima.cdx.json ] || scripts/supply-chain.sh
started=$SECONDS
tests/package/node_modules/.bin/tauri build --bundles deb,rpm --ci
echo "package-test: release build and bundles in $((SECONDS - started)) s"
deb=$(ls "$target"/release/bundle/deb/*.deb)
rpm=$(ls "$target"/release/bundle/rpm/*.rpm)
echo "package sizes: deb $(stat -c %s "$deb") bytes, rpm $(stat -c %s "$rpm") bytes"

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$(realpath "$deb")" >/dev/null
# What the test installs for the municipality's setup (a loopback-only test
# CA and /etc/heima/config.toml) goes again whatever happens to the test.
test_ca=/usr/local/share/ca-certificates/heima-package-test.crt
leftovers() {
  local left=0
  if [ -e "$test_ca" ]; then
    as_root rm -f "$test_ca"
    as_root update-ca-certificates >/dev/null
    echo "package-test: the test CA was left behind; taken out" >&2
    left=1
  fi
  if [ -e /etc/heima/config.toml ] && grep -q Testkommunen /etc/heima/config.toml; then
    as_root rm -f /etc/heima/config.toml
    as_root rmdir /etc/heima 2>/dev/null || true
    echo "package-test: the test's /etc/heima/config.toml was left behind; taken out" >&2
    left=1
  fi
  return "$left"
}
trap 'as_root apt-get remove -y heima >/dev/null 2>&1 || true; leftovers || true' EXIT
test -x /usr/bin/heima
metainfo=/usr/share/metainfo/no.heima.patient.metainfo.xml
appstreamcli validate --no-net "$metainfo"
notices=/usr/share/doc/heima/THIRD-PARTY-NOTICES.txt
grep -q '^  tauri 2\.' "$notices" && grep -q '^@fluent/bundle 0\.19\.1 (Apache-2\.0)' "$notices" || {
  echo "package-test: $notices does not name tauri and @fluent/bundle" >&2
  exit 1
}
jq -e '.components | length > 500' /usr/share/doc/heima/heima.cdx.json >/dev/null
dpkg-deb -f "$deb" Recommends | grep -q bluez || {
  echo "package-test: the package does not recommend BlueZ" >&2
  exit 1
}
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
HEIMA_APP_BIN=/usr/bin/heima xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  cargo nextest run -p heima-e2e --test package

as_root apt-get remove -y heima >/dev/null
trap - EXIT
leftovers
if [ -e /usr/bin/heima ] || [ -e /usr/share/applications/Heima.desktop ] || [ -e "$metainfo" ] \
  || [ -e /usr/share/doc/heima ] || dpkg -s heima >/dev/null 2>&1; then
  echo "package-test: heima was not removed cleanly" >&2
  exit 1
fi
echo "package-test: installed, opened a link, removed cleanly"
