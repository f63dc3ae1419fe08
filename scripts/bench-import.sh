#!/usr/bin/env bash
# Import benchmark for docs/benchmarks.md: 10,000 generated vCards
# (../shared/tools/gen_contacts.py, seed 42) read and imported in one transaction, and a duplicate
# scan over 100,000 generated contacts; then python's vobject reading the same files, as a ratio.
#
#   ./scripts/bench-import.sh [N_VCARDS] [N_SCAN]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
scan="${2:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 ../shared/tools/gen_contacts.py generate "$work/vcf" -n "$n" --seed 42 >/dev/null
cargo bench -q -p vernetzt-core --bench import -- "$work/vcf" "$scan" | tee "$work/rust.txt"
# The peer named by issue 15, in the same run: python's vobject reading the same files (Debian:
# python3-vobject; the system python is tried when the one on PATH lacks it).
py=python3
python3 -c 'import vobject' 2>/dev/null || py=/usr/bin/python3
if "$py" -c 'import vobject' 2>/dev/null; then
  peer="$("$py" bench/vobject_baseline.py "$work/vcf")"
  echo "$peer"
  ours="$(sed -n 's/^| read + import vCards.* | \([0-9]*\) ms |$/\1/p' "$work/rust.txt")"
  theirs="$(echo "$peer" | sed -n 's/.* \([0-9]*\) ms$/\1/p')"
  [ -n "$ours" ] && [ -n "$theirs" ] && awk -v a="$theirs" -v b="$ours" \
    'BEGIN { printf "vobject reading alone / Vernetzt reading and storing: %.1fx\n", a / b }'
else
  echo "python vobject not installed: no peer figure"
fi
