#!/usr/bin/env bash
# The package test: bundles the release .deb and .rpm with the Tauri
# bundler (as shipped: a release build reads no HEIMA_* variable),
# installs the .deb with apt, runs tests/e2e/tests/package.rs against the
# installed /usr/bin/heima with a real Secret Service (today screen; the
# key in the keyring; a heima-enrol: link opened with xdg-open fills in the
# nurse's form; a restart with hostile HEIMA_* variables changes nothing),
# then removes the package and checks nothing is left.
# Prints the package sizes. Called by scripts/test.sh after the other tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_package_tools

target="${CARGO_TARGET_DIR:-target}"
started=$SECONDS
tests/package/node_modules/.bin/tauri build --bundles deb,rpm --ci
echo "package-test: release build and bundles in $((SECONDS - started)) s"
deb=$(ls "$target"/release/bundle/deb/*.deb)
rpm=$(ls "$target"/release/bundle/rpm/*.rpm)
echo "package sizes: deb $(stat -c %s "$deb") bytes, rpm $(stat -c %s "$rpm") bytes"

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$(realpath "$deb")" >/dev/null
trap 'as_root apt-get remove -y heima >/dev/null 2>&1 || true' EXIT
test -x /usr/bin/heima
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
HEIMA_APP_BIN=/usr/bin/heima xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
  cargo nextest run -p heima-e2e --test package

as_root apt-get remove -y heima >/dev/null
trap - EXIT
if [ -e /usr/bin/heima ] || [ -e /usr/share/applications/Heima.desktop ] || dpkg -s heima >/dev/null 2>&1; then
  echo "package-test: heima was not removed cleanly" >&2
  exit 1
fi
echo "package-test: installed, opened a link, removed cleanly"
