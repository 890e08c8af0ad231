#!/usr/bin/env bash
# Regenerates tests/tera/<case>/expected.out (oracle succeeded: exact bytes) or
# expected.err (oracle failed: its error text, informative only) with the Tera 1.17.1
# oracle in tools/tera-oracle, building it first if needed.
# Usage: tools/regen-tera-expected.sh [CASE...]   (default: every case)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
oracle_dir=$root/tools/tera-oracle
oracle=$oracle_dir/target/release/tera-oracle
cargo=$(command -v cargo || echo /root/.cargo/bin/cargo)
if [[ ! -x $oracle || -n $(find "$oracle_dir/src" "$oracle_dir/Cargo.toml" -newer "$oracle") ]]; then
  (cd "$oracle_dir" && "$cargo" build --offline --release --quiet)
fi

cd "$root/tests/tera"
if (($#)); then cases=("$@"); else cases=(*/); fi
ok=0 failed=0 crashed=()
for c in "${cases[@]}"; do
  c=${c%/}
  [[ -d $c ]] || { echo "no such case: $c" >&2; exit 2; }
  mains=("$c"/main.*)
  [[ ${#mains[@]} == 1 && -f ${mains[0]} ]] || { echo "$c: needs exactly one main.*" >&2; exit 2; }
  [[ -f $c/ctx.json ]] || { echo "$c: missing ctx.json" >&2; exit 2; }
  rc=0
  RUST_BACKTRACE=0 "$oracle" "${mains[0]}" "$c/ctx.json" >"$c/expected.out.tmp" 2>"$c/expected.err.tmp" || rc=$?
  if ((rc == 0)); then
    mv "$c/expected.out.tmp" "$c/expected.out"; rm -f "$c/expected.err.tmp" "$c/expected.err"
    ok=$((ok + 1))
  elif ((rc == 1)); then
    mv "$c/expected.err.tmp" "$c/expected.err"; rm -f "$c/expected.out.tmp" "$c/expected.out"
    failed=$((failed + 1))
  else  # a panic is a Tera bug, not a reference behaviour: such a case does not belong here
    rm -f "$c/expected.out.tmp" "$c/expected.err.tmp"
    crashed+=("$c")
  fi
done
echo "regenerated $((ok + failed)) case(s): $ok expected.out, $failed expected.err"
if ((${#crashed[@]})); then
  echo "the oracle crashed (Tera panic) on: ${crashed[*]}; remove or change these cases" >&2
  exit 1
fi
