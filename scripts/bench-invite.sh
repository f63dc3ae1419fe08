#!/usr/bin/env bash
# Invitation benchmark for docs/benchmarks.md: N invitees (default 1,000) picked by a filter,
# written (.ics + one .eml each) and sent one message each to a real SMTP server (aiosmtpd from
# the tests' virtualenv) on 127.0.0.1, through the release `vernetzt` binary. No rate limit.
#
#   ./scripts/bench-invite.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
# The CLI's database is encrypted with a key from the keyring: run in a private Secret Service.
if [ -z "${VERNETZT_BENCH_IN_KEYRING:-}" ]; then
  export VERNETZT_BENCH_IN_KEYRING=1
  exec crates/net/tests/with-keyring.sh "$0" "$@"
fi
n="${1:-1000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
work="$(mktemp -d)"
sink_pid=""
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"' EXIT
cargo build -q --release -p vernetzt-cli
bin="$CARGO_TARGET_DIR/release/vernetzt"
py="$(tests/python/ensure-venv.sh)"
db="$work/v.db"
{
  echo "Vorname;Nachname;E-Mail;Tags"
  for i in $(seq 1 "$n"); do echo "Person;Nummer $i;person$i@kommune$((i % 97)).example;erfa"; done
} > "$work/liste.csv"
"$bin" --db "$db" contacts import "$work/liste.csv" >/dev/null
"$bin" --db "$db" invite organizer --name "FITKO Geschäftsstelle" --email info@fitko.example >/dev/null
uid=$("$bin" --db "$db" --json events create --title "OZG-Erfahrungsaustausch" \
  --start 2027-03-27T09:30 --end 2027-03-28T16:00 --location Erfurt | "$py" -c 'import json,sys; print(json.load(sys.stdin)["uid"])')
mkfifo "$work/port"
"$py" tests/python/smtp_sink.py "$work/inbox" > "$work/port" &
sink_pid=$!
port=$(head -1 "$work/port" | cut -d' ' -f2)

ms() { date +%s%3N; }
t0=$(ms)
"$bin" --db "$db" invite "$uid" --filter tag=erfa --out "$work/out" >/dev/null
t1=$(ms)
"$bin" --db "$db" invite send "$uid" --smtp "smtp://127.0.0.1:$port" --per-minute 0 >/dev/null 2>&1
t2=$(ms)
files=$(ls "$work/out" | wc -l)
arrived=$(ls "$work/inbox" | grep -c '\.eml$')
echo "invitees: $n"
echo "record + write: $((t1 - t0)) ms ($files files)"
echo "send:           $((t2 - t1)) ms ($arrived messages arrived)"
echo "total:          $((t2 - t0)) ms"
