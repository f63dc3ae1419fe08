#!/usr/bin/env bash
# Feed import benchmark for docs/benchmarks.md: a generated feed of N events
# (../shared/tools/gen_feed.py), read + stored + a year listed by Vernetzt, and parsed by python's
# icalendar (with recurring_ical_events for the year) in a virtualenv of its own, same run.
#
#   ./scripts/bench-feed.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time; }
venv="${VERNETZT_BENCH_VENV:-$HOME/.cache/vernetzt/bench-venv}"
# The virtualenv is shared with bench-dav.sh (vdirsyncer): install what is missing, not only
# when the virtualenv is new.
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import icalendar, recurring_ical_events' 2>/dev/null; then
  "$venv/bin/pip" install -q 'icalendar>=7,<8' 'recurring-ical-events>=3,<4'
fi
python3 ../shared/tools/gen_feed.py -n "$n" --seed 42 -o "$work/feed.ics" 2>"$work/gen.txt"
echo "feed: $(cat "$work/gen.txt")"
cargo bench -q -p vernetzt-core --bench feed --no-run 2>/dev/null
bin=$(ls -t "$CARGO_TARGET_DIR"/release/deps/feed-* | grep -v '\.d$' | head -1)
echo
echo "## Vernetzt"
/usr/bin/time -f "peak RSS %M KiB, wall %e s (5 runs)" "$bin" "$work/feed.ics"
echo
echo "## python icalendar (baseline)"
/usr/bin/time -f "peak RSS %M KiB, wall %e s" "$venv/bin/python" bench/icalendar_baseline.py "$work/feed.ics"
