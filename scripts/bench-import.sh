#!/usr/bin/env bash
# Import benchmark for docs/benchmarks.md: 10,000 generated vCards
# (../shared/tools/gen_contacts.py, seed 42) read and imported in one transaction, and a duplicate
# scan over 100,000 generated contacts.
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
cargo bench -q -p vernetzt-core --bench import -- "$work/vcf" "$scan"
