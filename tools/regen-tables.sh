#!/usr/bin/env bash
# Regenerates the generated tables of the template engine (src/tmpl/regex_tables.cc,
# slug_table.cc, unicode_tables.cc) from pinned inputs: crate sources from Debian 12
# packages at exact versions, and Python's unicodedata at the pinned Unicode version
# (docs/templates.md, "Generated tables"). A missing or different input is refused,
# never installed here: tools/install-deps.sh installs the packages.
# Usage: tools/regen-tables.sh           rewrite the tables in src/tmpl/
#        tools/regen-tables.sh --check   generate into a temporary directory and compare
#                                        with the committed tables: exit 0 when equal,
#                                        1 when a table differs, 77 (skipped) when an input
#                                        is missing
# PYTHON=... picks another interpreter (default Debian's /usr/bin/python3); its
# unicodedata must still be Unicode 14.0.0.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
registry=/usr/share/cargo/registry
python=${PYTHON:-/usr/bin/python3}
# Case mappings are Unicode 14.0.0: the version of regex-syntax 0.6.27's tables and of
# Debian 12's rustc 1.63, whose to_uppercase/to_lowercase Tera's upper/lower call.
UNICODE=14.0.0

# package, Debian version, crate, crate version
PINS=(
  "librust-regex-syntax-dev 0.6.27-1 regex-syntax 0.6.27"
  "librust-deunicode-dev 1.3.1-1+b1 deunicode 1.3.1"
  "librust-unic-ucd-segment-dev 0.9.0-1+b1 unic-ucd-segment 0.9.0"
)

check=0
case ${1:-} in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# A missing input fails regeneration (2) and skips the check (77, CTest's SKIP_RETURN_CODE).
missing() {
  if ((check)); then echo "regen-tables: SKIPPED: $*" >&2; exit 77; fi
  echo "regen-tables: $*" >&2
  exit 2
}

declare -A dir  # crate -> its source in Debian's cargo registry
for pin in "${PINS[@]}"; do
  read -r pkg deb crate ver <<<"$pin"
  have=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null || true)
  fix="apt-get install --no-install-recommends $pkg=$deb"
  case $have in
    "install ok installed $deb") ;;
    "install ok installed "*) missing "$pkg ${have##* } is installed, the tables need $deb (crate $crate $ver): $fix" ;;
    *) missing "$pkg $deb (crate $crate $ver) is not installed: $fix" ;;
  esac
  # The crate's own manifest, not only the package's claim.
  dir[$crate]=$registry/$crate-$ver
  toml=${dir[$crate]}/Cargo.toml
  got=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$toml" 2>/dev/null | head -1 || true)
  [[ $got == "$ver" ]] || missing "$toml does not declare version $ver (found '${got:-nothing}'): reinstall with $fix"
done

[[ -x $python ]] || missing "no $python: apt-get install python3 (or set PYTHON)"
have=$("$python" -c 'import unicodedata; print(unicodedata.unidata_version)' || echo "(none: it failed)")
[[ $have == "$UNICODE" ]] ||
  missing "$python has Unicode $have in unicodedata, the tables need $UNICODE (Debian 12's python3, Python 3.11, has it)"

if ((check)); then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
else
  out=$root/src/tmpl
fi
tmpl=$root/src/tmpl
# Into a .new file first: a generator that fails leaves the committed table untouched.
gen() {
  local name=$1
  shift
  "$python" "$tmpl/gen_$name.py" "$@" >"$out/$name.cc.new" || { rm -f "$out/$name.cc.new"; exit 1; }
  mv "$out/$name.cc.new" "$out/$name.cc"
}
gen regex_tables "${dir[regex-syntax]}/src"
gen slug_table "${dir[deunicode]}/src"
gen unicode_tables "${dir[unic-ucd-segment]}/tables/grapheme_cluster_break.rsv"

if ((!check)); then
  echo "regen-tables: wrote src/tmpl/{regex_tables,slug_table,unicode_tables}.cc"
  exit 0
fi
rc=0
for name in regex_tables slug_table unicode_tables; do
  if cmp -s "$out/$name.cc" "$tmpl/$name.cc"; then
    echo "regen-tables: src/tmpl/$name.cc equals a fresh generation"
  else
    echo "regen-tables: src/tmpl/$name.cc DIFFERS from a fresh generation" \
      "($(cmp "$out/$name.cc" "$tmpl/$name.cc" 2>&1 | sed 's/.*differ: /first at /'))" >&2
    rc=1
  fi
done
((rc == 0)) || echo "regen-tables: run 'make tables' and review the diff, or find what changed" >&2
exit $rc
