#!/usr/bin/env bash
# Installs the Debian 12 packages DuckPond builds and tests with. Idempotent: only
# missing packages are installed, so a ready machine pays one dpkg query.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config git ca-certificates
  npm
  libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev zlib1g-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libxxhash-dev
  # SHA-256 of small blobs without loading libcrypto (src/base/sha256.h).
  nettle-dev
  # Input formats: compressed inputs (gzip is zlib1g-dev), JSON Lines.
  libzstd-dev libbz2-dev libsimdjson-dev
  # BLAKE3 of append-only files: the reference C source (built by src/base) and b3sum for tests.
  librust-blake3-dev b3sum
  # git-ingest: libgit2 (loaded with dlopen by src/git; git itself makes the tests' repositories).
  libgit2-dev
  # sitegen's markdown: cmark-gfm (src/markdown), and its command as the tests' oracle.
  libcmark-gfm-dev libcmark-gfm-extensions-dev cmark-gfm
  clang libclang-rt-14-dev tzdata
  chromium
  # Inputs of src/tmpl's generated tables, for the tmpl_tables_regen test (tools/regen-tables.sh).
  python3 librust-regex-syntax-dev librust-deunicode-dev librust-unic-ucd-segment-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere than Debian (e.g. a NodeSource install): accept any working npm.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
