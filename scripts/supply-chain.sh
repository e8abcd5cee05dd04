#!/usr/bin/env bash
# What Heima is made of, checked and written down. Part of the README's
# test command (scripts/test.sh), before the package test, which installs
# what this writes:
# 1. cargo deny (deny.toml): advisories from the RustSec database copied
#    from ../shared/advisory-db (offline; its date is printed), licences,
#    duplicate versions, sources.
# 2. The vendored UI libraries (ui/vendor/) are installed from
#    third-party/package-lock.json and must be the same bytes.
# 3. target/third-party/THIRD-PARTY-NOTICES.txt: the Rust crates' licences
#    (cargo about, third-party/about.toml) and the vendored libraries'.
# 4. target/third-party/heima.cdx.json: a CycloneDX 1.5 SBOM of the
#    program (cargo cyclonedx) with the vendored libraries added.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ensure_supply_chain_tools

out=target/third-party
mkdir -p "$out"
step() { echo "supply-chain: $*"; }
# Every crate of the lock file, for every platform (a build fetches only
# this one's): the checks below run offline.
cargo fetch --locked --quiet

# 1. cargo deny, offline. cargo-deny reads a database as a git repository
# (for its date) in a folder named after its URL: the snapshot becomes one
# commit carrying the snapshot's date.
started=$SECONDS
# The copy beside the checkout (../shared/advisory-db), or another one
# named by HEIMA_ADVISORY_DB.
snapshot="${HEIMA_ADVISORY_DB:-../shared/advisory-db}"
if [ ! -f "$snapshot/SNAPSHOT.txt" ] || [ ! -d "$snapshot/crates" ]; then
  echo "supply-chain: no advisory database at $snapshot (a copy of rustsec/advisory-db with SNAPSHOT.txt;" \
    "set HEIMA_ADVISORY_DB to its folder)" >&2
  exit 1
fi
snapshot_date=$(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$snapshot/SNAPSHOT.txt" | head -1)
db="target/advisory-dbs/advisory-db-3157b0e258782691"
rm -rf "$db"
mkdir -p "$db"
cp -r "$snapshot/." "$db/"
# Nothing of a repository the copy may carry (its hooks, its config) runs.
rm -rf "$db/.git"
(
  cd "$db"
  git init -q
  git -c core.hooksPath=/dev/null add -A
  GIT_AUTHOR_DATE="${snapshot_date}T00:00:00Z" GIT_COMMITTER_DATE="${snapshot_date}T00:00:00Z" \
    git -c user.name=heima -c user.email=supply-chain@heima.invalid -c commit.gpgsign=false \
    -c core.hooksPath=/dev/null commit -q --no-verify -m "$(head -1 SNAPSHOT.txt)"
  # cargo-deny dates the database by the later of its commit and the time
  # .git/HEAD was written: the snapshot's date, so its age counts.
  touch -d "${snapshot_date}T00:00:00Z" .git/HEAD
)
age_days=$(( ($(date -u +%s) - $(date -u -d "${snapshot_date}T00:00:00Z" +%s)) / 86400 ))
advisories=$(find "$db/crates" -name 'RUSTSEC-*.md' | wc -l)
commit=$(grep -oE 'commit [0-9a-f]{12}' "$snapshot/SNAPSHOT.txt" | head -1 || true)
step "advisory database: rustsec/advisory-db of $snapshot_date ($age_days days old; ${commit:-no commit named}), $advisories advisories, offline"
cargo deny --offline --color never check --show-stats --hide-inclusion-graph 2>&1 | tee "$out/deny.txt" | grep -vE '^\s*$' | tail -8
step "cargo deny in $((SECONDS - started)) s"

# 2. The vendored UI libraries are what the lock file names.
started=$SECONDS
# Installed fresh from the lock (npm checks each package's integrity),
# with no install scripts run.
npm ci --prefix third-party --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
modules=third-party/node_modules
for file in ui/vendor/fluent-bundle/*.js; do
  cmp -s "$file" "$modules/@fluent/bundle/esm/$(basename "$file")" || {
    echo "supply-chain: $file is not @fluent/bundle's esm/$(basename "$file")" >&2
    exit 1
  }
done
cmp -s ui/vendor/uplot/LICENSE "$modules/uplot/LICENSE" || {
  echo "supply-chain: ui/vendor/uplot/LICENSE is not uplot's LICENSE" >&2
  exit 1
}
cmp -s ui/vendor/uplot/uPlot.esm.js "$modules/uplot/dist/uPlot.esm.js" || {
  echo "supply-chain: ui/vendor/uplot/uPlot.esm.js is not uplot's dist/uPlot.esm.js" >&2
  exit 1
}
[ "$(cat ui/vendor/uplot/VERSION)" = "$(jq -r '.packages["node_modules/uplot"].version' third-party/package-lock.json)" ] || {
  echo "supply-chain: ui/vendor/uplot/VERSION is not the locked version" >&2
  exit 1
}
step "vendored UI libraries match third-party/package-lock.json"

# 3. Third-party notices: the Rust crates, then the vendored libraries (a
# package without a licence file gets the standard text of its licence).
cargo about generate --frozen --fail -m src-tauri/Cargo.toml -c third-party/about.toml \
  third-party/about.hbs -o "$out/rust-notices.txt" 2>"$out/about.log" || {
  cat "$out/about.log" >&2
  exit 1
}
{
  cat "$out/rust-notices.txt"
  printf '\n========================================================================\n'
  printf 'Front-end libraries copied into the app (ui/vendor/), from npm:\n'
  jq -r '.packages | to_entries[] | select(.key != "") | [.key, .value.version, .value.license] | @tsv' \
    third-party/package-lock.json |
    while IFS=$'\t' read -r key version license; do
      name=${key#node_modules/}
      printf '\n------------------------------------------------------------------------\n'
      printf '%s %s (%s) <https://www.npmjs.com/package/%s>\n\n' "$name" "$version" "$license" "$name"
      text=$(ls "$modules/$name"/LICENSE* "$modules/$name"/LICENCE* 2>/dev/null | head -1 || true)
      if [ -n "$text" ]; then
        cat "$text"
      elif [ -f "/usr/share/common-licenses/$license" ]; then
        cat "/usr/share/common-licenses/$license"
      else
        echo "supply-chain: no licence text for $name ($license)" >&2
        exit 1
      fi
    done
} >"$out/THIRD-PARTY-NOTICES.txt"
step "third-party notices: $(grep -c '^  [^ ].* [0-9][^ ]*\( <.*>\)\?$' "$out/rust-notices.txt") crate entries," \
  "$(jq '.packages | length - 1' third-party/package-lock.json) npm packages," \
  "$(wc -c <"$out/THIRD-PARTY-NOTICES.txt") bytes"

# 4. The SBOM. cargo cyclonedx writes one file beside every workspace
# member's Cargo.toml: keep the app's, remove the rest.
name=heima-sbom-$$
cargo cyclonedx --manifest-path src-tauri/Cargo.toml --format json --spec-version 1.5 \
  --target x86_64-unknown-linux-gnu --override-filename "$name" -q
mv "src-tauri/$name.json" "$out/heima-rust.cdx.json"
find . -path ./target -prune -o -name "$name.json" -print0 | xargs -0 rm -f
# The vendored libraries join as npm components, their integrity as a hash.
python3 - "$out/heima-rust.cdx.json" third-party/package-lock.json "$out/heima.cdx.json" <<'PY'
import base64, json, sys
bom, lock = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for key, package in lock["packages"].items():
    if not key:
        continue
    name = key.removeprefix("node_modules/")
    purl = "pkg:npm/%s@%s" % (name.replace("@", "%40", 1), package["version"])
    algorithm, digest = package["integrity"].split("-", 1)
    assert algorithm == "sha512", key
    bom["components"].append({
        "type": "library",
        "bom-ref": purl,
        "name": name,
        "version": package["version"],
        "description": "vendored into ui/vendor/ (the web UI)",
        "scope": "required",
        "hashes": [{"alg": "SHA-512", "content": base64.b64decode(digest).hex()}],
        "licenses": [{"expression": package["license"]}],
        "purl": purl,
    })
json.dump(bom, open(sys.argv[3], "w"), indent=2)
PY
rm -f "$out/heima-rust.cdx.json"
step "SBOM $out/heima.cdx.json: CycloneDX $(jq -r .specVersion "$out/heima.cdx.json")," \
  "$(jq '.components | length' "$out/heima.cdx.json") components" \
  "($(jq '[.components[] | select(.purl | startswith("pkg:cargo"))] | length' "$out/heima.cdx.json") crates," \
  "$(jq '[.components[] | select(.purl | startswith("pkg:npm"))] | length' "$out/heima.cdx.json") npm)"
