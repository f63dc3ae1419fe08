#!/usr/bin/env bash
# The first sync of a large address book (issue 15): N cards (default 10000, the generated vCards
# of ../shared/tools/gen_contacts.py, seed 42) put into a Radicale 3.9 address book on 127.0.0.1
# with one bulk PUT, then pulled by a fresh `vernetzt sync` (contacts only) under GNU time, once per
# batch size (VERNETZT_DAV_BATCH; default "10000 250": the old single multiget, then the default
# batch). Prints a Markdown table: wall time, peak RSS, the progress steps `vernetzt sync` wrote
# to stderr (`pull DONE/TOTAL`), whether DONE only grew, and the contacts stored. Memory and the
# steps are the figures; the wall time is the loaded machine's and not a target.
#
#   ./scripts/bench-first-pull.sh [N]
#   VERNETZT_BENCH_BATCHES="10000 250 50"   the batch sizes, in this order
#   VERNETZT_BENCH_BIN=path/to/vernetzt     a binary to measure instead of building the release one
#
# The sync password goes into a throwaway Secret Service (crates/net/tests/with-keyring.sh).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
if [ -z "${VERNETZT_BENCH_IN_KEYRING:-}" ]; then
  VERNETZT_BENCH_IN_KEYRING=1 exec crates/net/tests/with-keyring.sh "$self" "$@"
fi
n="${1:-10000}"
batches="${VERNETZT_BENCH_BATCHES:-10000 250}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
command -v /usr/bin/time >/dev/null || { echo "GNU time is needed (Debian package time)" >&2; exit 1; }
work="$(mktemp -d)"
srv_pid=""
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${VERNETZT_BENCH_BIN:-}" ]; then
  cp "$VERNETZT_BENCH_BIN" "$work/vernetzt"
else
  cargo build -q --release -p vernetzt-cli
  cp "$CARGO_TARGET_DIR/release/vernetzt" "$work/vernetzt"
fi
bin="$work/vernetzt"
py="$(tests/python/ensure-venv.sh)"
pw="bench-Geheim-42"
users=""
for b in $batches; do users="$users u$b"; done

python3 ../shared/tools/gen_contacts.py generate "$work/cards" -n "$n" --seed 42 2>/dev/null
# One multi-card file for a bulk PUT; `UID:urn:uuid:X` becomes `UID:X` (Radicale names a bulk
# PUT's items after the UID and refuses paths with ':').
python3 - "$work/all.vcf" "$work/cards" <<'PY'
import os, sys
out, d = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8", newline="") as f:
    for name in sorted(os.listdir(d)):
        if name.endswith(".vcf"):
            card = open(os.path.join(d, name), encoding="utf-8", newline="").read().rstrip("\r\n")
            f.write(card.replace("\nUID:urn:uuid:", "\nUID:") + "\r\n")
PY

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
dir="$work/radicale"
mkdir -p "$dir"
for u in $users; do echo "$u:$pw"; done > "$dir/users"
cat > "$dir/config" <<CONF
[server]
hosts = 127.0.0.1:$port
max_content_length = 100000000
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
type = multifilesystem
filesystem_folder = $dir/collections
[web]
type = none
CONF
"$py" -m radicale --config "$dir/config" > "$dir/log" 2>&1 &
srv_pid=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "$url/" && break
  kill -0 "$srv_pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
  sleep 0.1
done

echo "| batch (cards per multiget) | cards | wall | peak RSS | progress steps | done only grew | contacts here |"
echo "| ---: | ---: | ---: | ---: | ---: | --- | ---: |"
for b in $batches; do
  u="u$b"
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "$u:$pw" -H 'Expect:' -X PUT \
    -H 'Content-Type: text/vcard; charset=utf-8' --data-binary @"$work/all.vcf" "$url/$u/book/")
  [ "$code" = 201 ] || [ "$code" = 204 ] || { echo "seeding $u failed: HTTP $code" >&2; exit 1; }
  db="$work/$u.db"
  printf '%s\n' "$pw" | "$bin" --db "$db" account add "$url/" --user "$u" --no-calendar >/dev/null
  if ! VERNETZT_DAV_BATCH="$b" /usr/bin/time -f '%e %M' -o "$work/time" "$bin" --db "$db" sync \
    > /dev/null 2> "$work/err"; then
    echo "the sync of $u failed:" >&2; tr '\r' '\n' < "$work/err" | tail -5 >&2; exit 1
  fi
  read -r wall rss < "$work/time"
  steps=$(tr '\r' '\n' < "$work/err" | grep -c '^pull ' || true)
  grew=$(tr '\r' '\n' < "$work/err" | sed -n 's/^pull \([0-9]*\)\/.*/\1/p' |
    awk 'NR > 1 && $1 <= last { bad = 1 } { last = $1 } END { print (bad ? "no" : "yes") }')
  here=$("$bin" --db "$db" --json contacts list | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
  printf '| %s | %s | %s s | %.1f MiB | %s | %s | %s |\n' "$b" "$n" "$wall" "$(echo "$rss / 1024" | bc -l)" "$steps" "$grew" "$here"
done
