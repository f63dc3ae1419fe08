#!/usr/bin/env bash
# Benchmark regression guard, run by scripts/test.sh (and so by CI): counts the instructions of
# four workloads with `valgrind --tool=callgrind` and compares them with the baseline committed
# in bench/baseline.json (bench/guard.py; fails at more than its tolerance, +10 %, above it).
# Counted instructions barely move when other work shares the machine, unlike wall time; they
# move when the code does more work. See docs/benchmarks.md ("Regression guard") and
# docs/decisions.md for what is covered and why.
#
#   ./scripts/bench-guard.sh            measure and compare (exit 1 if a figure got worse)
#   ./scripts/bench-guard.sh --update   measure and write the figures into bench/baseline.json;
#                                       commit that on purpose, with the reason in the message
#
# The workloads are crates/core/examples/bench_guard.rs, built in release: import of 1,000
# generated vCards (../shared/tools/gen_contacts.py, seed 42); at 10,000 demo contacts (seed 42)
# the first search of a process (opening, the in-memory index build) and, apart from it, three
# rounds of the search mix as typed (benches/common/queries.rs); a generated feed of 2,000 events read, stored and a year listed
# (../shared/tools/gen_feed.py, seed 42), and opening a store of 10,000 contacts with its first
# page. Encrypted store with a fixed raw key: no keyring, no key derivation.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=compare
case "${1:-}" in
"") ;;
--update) mode=update ;;
*) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac
command -v valgrind >/dev/null || { echo "valgrind is needed (scripts/setup.sh installs it)" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q --release --locked -p vernetzt-core --example bench_guard
bin="$work/bench_guard"
cp "$CARGO_TARGET_DIR/release/examples/bench_guard" "$bin"

python3 ../shared/tools/gen_contacts.py generate "$work/vcf" -n 1000 --seed 42 >/dev/null 2>&1
python3 ../shared/tools/gen_feed.py -n 2000 --seed 42 -o "$work/feed.ics" 2>/dev/null
"$bin" populate "$work/10000.db" 10000 >/dev/null

# count NAME WORKLOAD ARGS...: the instructions callgrind counted for one run of the workload.
declare -A counted
count() {
  local name="$1" out="$work/callgrind.$1"
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$@" > "$work/$name.stdout" 2> "$work/$name.valgrind" ||
    { echo "$name failed under valgrind:" >&2; tail -20 "$work/$name.valgrind" >&2; exit 1; }
  counted[$name]=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out")
  [ -n "${counted[$name]}" ] || { echo "$name: no summary in callgrind's output" >&2; exit 1; }
  printf '%-22s %15s instructions  (%s)\n' "$name" "${counted[$name]}" "$(tr '\n' ' ' < "$work/$name.stdout")"
}
t0=$(date +%s)
count import_1000_vcards import "$work/import.db" "$work/vcf"
count search_first_10000 search "$work/10000.db" 0
count search_rounds search "$work/10000.db" 3
# The typing alone: three rounds of the mix, less the first search (opening, the index build).
counted[search_mix_10000]=$((counted[search_rounds] - counted[search_first_10000]))
unset 'counted[search_rounds]'
echo "search_mix_10000: ${counted[search_mix_10000]} instructions (the difference)"
count feed_2000_events feed "$work/feed.db" "$work/feed.ics"
count open_store_10000 open "$work/10000.db"
echo "(callgrind runs: $(($(date +%s) - t0)) s)"

{
  printf '{'
  sep=""
  for k in "${!counted[@]}"; do printf '%s"%s": %s' "$sep" "$k" "${counted[$k]}"; sep=", "; done
  printf '}\n'
} > "$work/measured.json"
python3 bench/guard.py "$mode" bench/baseline.json "$work/measured.json"
