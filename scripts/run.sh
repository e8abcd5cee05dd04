#!/usr/bin/env bash
# Installs what is missing and starts Heima. With no follow-up service
# configured it opens in demo mode.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_app
exec cargo run -p heima-app --bin heima "$@"
