#!/usr/bin/env bash
# Start-up benchmark of the real app under Xvfb with 10,000 contacts: time from launch to the first
# rendered contacts list, and idle memory as PSS summed over the app and its WebKit processes.
#
#   ./scripts/bench-startup.sh [RUNS] [CONTACTS]
#
# The app prints `vernetzt-ready-at-ms T` (wall clock) when the UI reports its first list
# on screen (VERNETZT_STARTUP_PROBE=1); the launch time is taken just before exec.
#
# The database key lives in the keyring, as for a user: the script re-runs itself in a throwaway
# Secret Service (crates/net/tests/with-keyring.sh; Debian packages dbus and gnome-keyring), so
# it needs no keyring session of its own and never touches the user's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VERNETZT_BENCH_IN_KEYRING:-}" ]; then
  export VERNETZT_BENCH_IN_KEYRING=1
  exec crates/net/tests/with-keyring.sh "$0" "$@"
fi
# Inside that private D-Bus session WebKitGTK would start the document portal, which mounts FUSE
# on $XDG_RUNTIME_DIR/doc; a plain file there keeps it from mounting (as in scripts/test.sh).
: > "$XDG_RUNTIME_DIR/doc"
runs="${1:-5}"
n="${2:-10000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
# The release app as scripts/test.sh builds it (the UI embedded); VERNETZT_BENCH_NO_BUILD=1 uses
# what is there.
if [ -z "${VERNETZT_BENCH_NO_BUILD:-}" ]; then
  (cd ui && npm run build --silent >/dev/null)
  cargo build -q --release --locked -p vernetzt-app --features custom-protocol -p vernetzt-cli
fi
app="$CARGO_TARGET_DIR/release/vernetzt-app"
cli="$CARGO_TARGET_DIR/release/vernetzt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$cli" --db "$work/bench.db" demo --count "$n" >/dev/null

pss_tree() { # sum of Pss (kB) over a process and all its descendants
  local total=0 pid
  for pid in $(pgrep -g "$(ps -o pgid= "$1" | tr -d ' ')"); do
    local kb
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

Xvfb :77 -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
echo "| run | start to first list (ms) | idle PSS, all processes (MiB) |"
echo "| ---: | ---: | ---: |"
for i in $(seq 1 "$runs"); do
  home="$work/home$i"
  mkdir -p "$home"
  out="$work/out$i"
  start=$(date +%s%3N)
  DISPLAY=:77 XDG_DATA_HOME="$home/d" XDG_CACHE_HOME="$home/c" XDG_CONFIG_HOME="$home/f" \
    VERNETZT_STARTUP_PROBE=1 setsid "$app" --db "$work/bench.db" >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q vernetzt-ready-at-ms "$out" 2>/dev/null && break
    sleep 0.05
  done
  ready=$(awk '/vernetzt-ready-at-ms/ {print $2}' "$out")
  sleep 5 # idle
  pss=$(pss_tree "$pid")
  echo "| $i | $((ready - start)) | $((pss / 1024)) |"
  kill -TERM -- "-$pid" 2>/dev/null || kill "$pid"
  wait "$pid" 2>/dev/null || true
done
