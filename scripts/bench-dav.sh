#!/usr/bin/env bash
# CardDAV sync benchmark for docs/benchmarks.md: Vernetzt (release `vernetzt` binary) against
# vdirsyncer 0.21 (PyPI, in the benchmark virtualenv), both against the same server in the same
# run, for each of two servers in turn:
#
#   - Radicale 3.9.0 (the tests' virtualenv), htpasswd, `multifilesystem`;
#   - SabreDAV 4.7.1 laid out as Nextcloud (`/remote.php/dav/`, discovery through
#     `/.well-known`, RFC 6638 scheduling): the sync tests' server (tests/peers/sabre, its sources
#     unpacked by tests/peers/sabre-vendor.sh) under `php -S` with 2 workers, SQLite, OPcache on
#     (as Nextcloud runs), through bench/sabre-timed.php, which logs each request with its time.
#
# Each started here on a free 127.0.0.1 port. Contacts are the generated vCards of
# ../shared/tools/gen_contacts.py (seed 42). Each tool syncs its own address book under its own
# user, so neither sees the other's cards.
#
#   1. N_SMALL new contacts uploaded to an empty address book (then two syncs with no change).
#   2. N_LARGE contacts on the server (Radicale: one bulk PUT of a multi-card file per address
#      book; SabreDAV, which has no bulk PUT: bench/sabre-seed.php through its own PDO backend):
#      first sync (pull everything), sync with no change (3 times), sync after 100 contacts
#      changed locally (the role / TITLE of every (N/100)-th contact), two syncs with no change.
#
# Vernetzt runs twice: as set up by default (address book and calendar, own events synced) and
# contacts only (`account add --no-calendar`), the same job as vdirsyncer's one address-book
# pair. Every `vernetzt sync` runs under GNU time: its peak RSS is in the row's note.
#
# Requests are counted in the server's log (Radicale: one INFO line per request; SabreDAV: the
# router's line); "server time" is the sum of the server's own per-request times in that phase.
#
#   ./scripts/bench-dav.sh [N_SMALL [N_LARGE]]      (defaults 1000 10000; about an hour on the
#                                                     2-core machine, most of it SabreDAV's PUTs)
#   VERNETZT_BENCH_SERVERS="radicale sabredav"       which servers, in this order (the default)
#   VERNETZT_BENCH_SERIES=20                          no-change syncs in a row at the end of each
#                                                     tool's runs
#
# The sync password goes into a throwaway Secret Service: the script re-runs itself under
# crates/net/tests/with-keyring.sh (needs the Debian packages dbus and gnome-keyring), so the
# user's own keyring is never touched. VERNETZT_BENCH_KEEP=1 keeps the work directory (the
# servers' logs and databases, vdirsyncer's output) and prints where it is.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
if [ -z "${VERNETZT_BENCH_IN_KEYRING:-}" ]; then
  VERNETZT_BENCH_IN_KEYRING=1 exec crates/net/tests/with-keyring.sh "$self" "$@"
fi
small="${1:-1000}"
large="${2:-10000}"
servers="${VERNETZT_BENCH_SERVERS:-radicale sabredav}"
changes=100
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
work="$(mktemp -d)"
srv_pid=""
stop_server() {
  if [ -n "$srv_pid" ]; then
    # SabreDAV's `php -S` leads its own process group (its workers outlive a kill of the master).
    kill -- "-$srv_pid" 2>/dev/null || kill "$srv_pid" 2>/dev/null || true
    wait "$srv_pid" 2>/dev/null || true
    srv_pid=""
  fi
}
cleanup() {
  stop_server
  if [ -n "${VERNETZT_BENCH_KEEP:-}" ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

command -v /usr/bin/time >/dev/null || { echo "GNU time is needed (Debian package time; scripts/setup.sh)" >&2; exit 1; }
cargo build -q --release -p vernetzt-cli
# A copy, so that another build into the same target directory cannot swap it during the run.
cp "$CARGO_TARGET_DIR/release/vernetzt" "$work/vernetzt"
bin="$work/vernetzt"
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.lock 2>/dev/null || echo ' + uncommitted changes in crates/')"
py="$(tests/python/ensure-venv.sh)"   # radicale 3.9.0
venv="${VERNETZT_BENCH_VENV:-$HOME/.cache/vernetzt/bench-venv}"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(not m.version("vdirsyncer").startswith("0.21."))' 2>/dev/null; then
  "$venv/bin/pip" install -q 'vdirsyncer==0.21.*'
fi
vdir="$venv/bin/vdirsyncer"
gen=../shared/tools/gen_contacts.py
pw="bench-Geheim-42"
users="v$small c$small d$small v$large c$large d$large"
free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- the servers ------------------------------------------------------------------------------
# start_radicale / start_sabredav: start the server under $work/$server, set `url`, `log`,
# `srv_pid` and `server_version`, and print one line about it.
start_radicale() {
  local port dir="$work/radicale"
  port=$(free_port)
  url="http://127.0.0.1:$port"
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
[logging]
level = info
CONF
  log="$dir/log"
  "$py" -m radicale --config "$dir/config" > "$log" 2>&1 &
  srv_pid=$!
  for _ in $(seq 1 300); do
    grep -q 'Radicale server ready' "$log" && break
    kill -0 "$srv_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  server_version="Radicale $("$py" -c 'import radicale; print(radicale.VERSION)')"
}
start_sabredav() {
  local port dir="$work/sabredav" spec
  port=$(free_port)
  url="http://127.0.0.1:$port"
  mkdir -p "$dir"
  sabre_vendor="$(tests/peers/sabre-vendor.sh)"
  spec=$(for u in $users; do printf '%s:%s,' "$u" "$pw"; done)
  spec="${spec%,}"
  php tests/peers/sabre/init.php "$dir/db.sqlite" "$sabre_vendor" "$spec" >/dev/null
  log="$dir/requests"
  : > "$log"
  SABRE_DB="$dir/db.sqlite" SABRE_VENDOR="$sabre_vendor" SABRE_USERS="$spec" SABRE_MAILS="$dir/mails" \
    SABRE_APP="$PWD/tests/peers/sabre" SABRE_REQUEST_LOG="$log" PHP_CLI_SERVER_WORKERS=2 \
    setsid php -d opcache.enable_cli=1 -S "127.0.0.1:$port" bench/sabre-timed.php > "$dir/php.log" 2>&1 &
  srv_pid=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$url/status.php" && break
    kill -0 "$srv_pid" 2>/dev/null || { cat "$dir/php.log" >&2; exit 1; }
    sleep 0.1
  done
  server_version="SabreDAV $(sed -n "s/.*const VERSION = '\([^']*\)'.*/\1/p" "$sabre_vendor/sabre/dav/lib/DAV/Version.php") (PHP $(php -r 'echo PHP_VERSION;'), OPcache on)"
}
# log_requests: "METHOD PATH" for each request in the log lines on stdin.
# log_seconds: the server's time of each request in the log lines on stdin.
log_requests() {
  case "$server" in
  radicale) sed -n "s/.*\[INFO\] \([A-Z]*\) request for '\([^']*\)'.*/\1 \2/p" ;;
  sabredav) awk 'NF { print $1, $2 }' ;;
  esac
}
log_seconds() {
  case "$server" in
  radicale) sed -n 's/.* response status for .* in \([0-9.]*\) seconds.*/\1/p' ;;
  sabredav) awk '{ print $4 }' ;;
  esac
}
# on_server BOOK: how many cards the address book at path BOOK holds.
on_server() {
  case "$server" in
  radicale) find "$work/radicale/collections/collection-root/$1" -maxdepth 1 -type f ! -name '.*' | wc -l ;;
  sabredav)
    python3 - "$work/sabredav/db.sqlite" "$1" <<'PY'
import re, sqlite3, sys
user = re.search(r"addressbooks/users/([^/]+)/", sys.argv[2]).group(1)
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM cards JOIN addressbooks a ON a.id = cards.addressbookid"
                 " WHERE a.principaluri = ?", ("principals/users/" + user,)).fetchone()[0])
PY
    ;;
  esac
}
# book_of USER: the path of USER's address book for vdirsyncer (Radicale: one it makes with
# MKCOL first; SabreDAV: the "contacts" book every Nextcloud user has).
book_of() {
  case "$server" in
  radicale)
    curl -sf -o /dev/null -u "$1:$pw" -H 'Expect:' -X MKCOL -H 'Content-Type: application/xml' \
      --data-binary '<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>' \
      "$url/$1/book/"
    echo "/$1/book/"
    ;;
  sabredav) echo "/remote.php/dav/addressbooks/users/$1/contacts/" ;;
  esac
}

# --- helpers ----------------------------------------------------------------------------------
ms() { date +%s%3N; }
secs() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }
mark=0
t0=0
t1=""
begin() { mark=$(wc -l < "$log"); t1=""; t0=$(ms); }
# stop: the measured phase ends here. Called right after the timed command, because the NOTE
# given to `end` is computed (a python3 start, a find) before `end` itself runs.
stop() { t1=$(ms); }
# end TOOL STEP NOTE [CALENDAR]: one row of the results table for the phase since `begin` (to
# `stop`); with CALENDAR (a collection path), the requests to it are counted apart in the note.
end() {
  local new reqs n methods srv note="$3" ncal
  [ -n "$t1" ] || t1=$(ms)
  sleep 0.3 # let the server write its last log line
  new=$(tail -n +"$((mark + 1))" "$log")
  reqs=$(log_requests <<<"$new")
  n=$(grep -c . <<<"$reqs" || true)
  methods=$(awk 'NF { print $1 }' <<<"$reqs" | sort | uniq -c |
    awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
  srv=$(log_seconds <<<"$new" | awk '{ s += $1 } END { printf "%.2f", s }')
  if [ -n "${4:-}" ]; then
    ncal=$(awk -v p="$4" 'index($2, p) == 1' <<<"$reqs" | grep -c . || true)
    if [ "$ncal" -gt 0 ]; then note="${note:+$note; }$ncal of the requests to the calendar"; fi
  fi
  printf '| %s | %s | %s s | %s (%s) | %s s | %s |\n' "$2" "$1" "$(secs $((t1 - t0)))" "$n" "$methods" "$srv" "$note" >> "$results"
  printf '%-10s %-55s %8s s  %5s requests (%s), server %s s  %s\n' "$1" "$2" "$(secs $((t1 - t0)))" "$n" "$methods" "$srv" "$note"
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# vsync DB: one `vernetzt sync` under GNU time, its JSON report kept in $work/last-sync.json and
# its peak RSS (KiB) in $work/last-sync.rss.
vsync() {
  if ! /usr/bin/time -f %M -o "$work/last-sync.rss" "$bin" --db "$1" --json sync > "$work/last-sync.json" 2> "$work/last-sync.err"; then
    echo "vernetzt sync failed:" >&2; cat "$work/last-sync.err" >&2; exit 1
  fi
  stop
}
vreport() {
  printf '%s; peak RSS %s MiB' \
    "$(json '"reported %d requests, pushed %d, pulled %d, deleted %d, removed here %d, conflicts %d, %s%s" % (d["requests"], d["pushed"], d["pulled"], d["deleted"], d["removed_here"], d["conflicts"], d["pull_method"], ", %d unreadable" % len(d["unreadable"]) if d["unreadable"] else "")' < "$work/last-sync.json")" \
    "$(awk '{ printf "%.1f", $1 / 1024 }' "$work/last-sync.rss")"
}
# dsync CONFIG: one `vdirsyncer sync`, its output appended to $work/vdirsyncer.out.
dsync() {
  if ! "$vdir" -c "$1" sync >> "$work/vdirsyncer.out" 2>&1 < /dev/null; then
    echo "vdirsyncer sync failed:" >&2; tail -20 "$work/vdirsyncer.out" >&2; exit 1
  fi
  stop
}
# dconf USER DIR BOOK: vdirsyncer configuration for one pair: local vdir DIR <-> the address
# book at path BOOK of USER.
dconf() {
  local c="$work/$server/vdirsyncer-$1.conf"
  mkdir -p "$work/$server/status-$1" "$2"
  cat > "$c" <<CONF
[general]
status_path = "$work/$server/status-$1/"

[pair contacts]
a = "local"
b = "server"
collections = null

[storage local]
type = "filesystem"
path = "$2"
fileext = ".vcf"

[storage server]
type = "carddav"
url = "$url$3"
username = "$1"
password = "$pw"
CONF
  echo "$c"
}
# multi FILE DIR [plain-uids]: all .vcf files of DIR as one multi-card file (the generator ends a
# card without a line break). With plain-uids, `UID:urn:uuid:X` becomes `UID:X`: a bulk PUT names
# each item after its UID, and Radicale 3.9 (validate_path_value = minimal, the default) answers
# 400 to any later request for a path with ':' in it, so such items could never be changed.
multi() {
  python3 - "$@" <<'EOF'
import os, sys
out, d, plain = sys.argv[1], sys.argv[2], len(sys.argv) > 3
with open(out, "w", encoding="utf-8", newline="") as f:
    for name in sorted(os.listdir(d)):
        if name.endswith(".vcf"):
            card = open(os.path.join(d, name), encoding="utf-8", newline="").read().rstrip("\r\n")
            if plain:
                card = card.replace("\nUID:urn:uuid:", "\nUID:")
            f.write(card + "\r\n")
EOF
}
# retitle DIR K ROLE: sets TITLE (the role) in every (N/K)-th .vcf file of DIR.
retitle() {
  python3 - "$@" <<'EOF'
import os, sys
d, k, role = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(f for f in os.listdir(d) if f.endswith(".vcf"))
for name in files[:: len(files) // k][:k]:
    p = os.path.join(d, name)
    text = open(p, encoding="utf-8", newline="").read()
    nl = "\r\n" if "\r\n" in text else "\n"
    out, skip = [], False
    for line in text.split(nl):
        if skip and line[:1] in (" ", "\t"):
            continue
        skip = line.upper().startswith("TITLE:") or line.upper().startswith("TITLE;")
        if skip:
            continue
        if line.upper() == "END:VCARD":
            out.append("TITLE:" + role)
        out.append(line)
    open(p, "w", encoding="utf-8", newline="").write(nl.join(out))
EOF
}
role="Referatsleitung Digitalisierung"
series_n="${VERNETZT_BENCH_SERIES:-20}"
# series TOOL N COMMAND...: N more syncs with no change, one row: the wall time of all of them,
# all their requests, and min / median / max of one sync in the note.
series() {
  local label="$1" n="$2" i s times=() stats
  shift 2
  begin
  for i in $(seq 1 "$n"); do
    s=$(ms)
    "$@"
    times+=($(($(ms) - s)))
  done
  stop
  stats=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1; if ($1 < 500) u++ }
    END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          printf "one sync: min %.2f s, median %.2f s, max %.2f s; %d of %d under 0.5 s", a[1] / 1000, m / 1000, a[NR] / 1000, u, NR }')
  end "$label" "$n more syncs, no change ($large)" "$stats"
}

# vaccount DB USER LABEL STEP [account add options]: Vernetzt's account add for USER, timed as
# STEP; sets the caller's `cal` and `book` to the calendar and address book it found.
vaccount() {
  local db="$1" u="$2" label="$3" step="$4"
  shift 4
  begin
  printf '%s\n' "$pw" | "$bin" --db "$db" account add "$url/" --user "$u" "$@" >/dev/null
  stop
  end "$label" "$step" ""
  cal=$("$bin" --db "$db" --json account show | json 'd.get("calendar") or ""')
  book=$("$bin" --db "$db" --json account show | json 'd["addressbook"]')
}

# vsmall USER LABEL [account add options]: Vernetzt uploads the N_SMALL contacts as USER.
vsmall() {
  local u="$1" label="$2" db="$work/$server/$1.db" cal book
  shift 2
  "$bin" --db "$db" contacts import "$work/all-$small.vcf"
  vaccount "$db" "$u" "$label" "account add (discovery; creates what is missing)" "$@"
  begin; vsync "$db"
  end "$label" "upload $small new contacts" "$(vreport); $(on_server "$book") cards on the server" "$cal"
  begin; vsync "$db"
  end "$label" "sync, no change ($small)" "$(vreport)" "$cal"
  begin; vsync "$db"
  end "$label" "sync, no change again ($small)" "$(vreport)" "$cal"
}

# vlarge USER LABEL [account add options]: Vernetzt against the N_LARGE cards of USER.
vlarge() {
  local u="$1" label="$2" db="$work/$server/$1.db" cal book i
  shift 2
  vaccount "$db" "$u" "$label" "account add (discovery)" "$@"
  echo "           address book $book, calendar ${cal:-none}"
  begin; vsync "$db"
  end "$label" "first sync: pull $large contacts (not a target)" "$(vreport); $("$bin" --db "$db" --json contacts list | json 'len(d)') contacts here" "$cal"
  for i in 1 2 3; do
    begin; vsync "$db"
    end "$label" "sync, no change ($large), run $i" "$(vreport)" "$cal"
  done
  "$bin" --db "$db" --json contacts list | json '"\n".join(str(c["id"]) for c in d[:: len(d) // '"$changes"'][:'"$changes"'])' > "$work/ids"
  while read -r id; do "$bin" --db "$db" contacts edit "$id" --role "$role" >/dev/null; done < "$work/ids"
  begin; vsync "$db"
  end "$label" "sync after $changes contacts changed here ($large)" "$(vreport); pending after: $("$bin" --db "$db" --json sync status | json 'd["pending"]')" "$cal"
  begin; vsync "$db"
  end "$label" "sync, no change after that ($large)" "$(vreport)" "$cal"
  begin; vsync "$db"
  end "$label" "sync, no change again ($large)" "$(vreport)" "$cal"
  series "$label" "$series_n" vsync "$db"
}

# seed USER: puts the N_LARGE cards into USER's address book, timed.
seed() {
  local code path
  case "$server" in
  radicale)
    path="/$1/book/"
    begin
    code=$(curl -s -o /dev/null -w '%{http_code}' -u "$1:$pw" -H 'Expect:' -X PUT \
      -H 'Content-Type: text/vcard; charset=utf-8' --data-binary @"$work/all-$large.vcf" "$url$path")
    stop
    [ "$code" = 201 ] || [ "$code" = 204 ] || { echo "seeding $1 failed: HTTP $code" >&2; exit 1; }
    end curl "seed $path with one PUT of $large cards" "$(on_server "$path") cards on the server"
    ;;
  sabredav)
    path="/remote.php/dav/addressbooks/users/$1/contacts/"
    begin
    php bench/sabre-seed.php "$work/sabredav/db.sqlite" "$sabre_vendor" "$1" "$work/cards-$large" >/dev/null
    stop
    end sabre-seed.php "seed $1's book with $large cards (PDO backend, one transaction)" "$(on_server "$path") cards on the server"
    ;;
  esac
}

# ddiscover USER DIR: vdirsyncer's pair of the local DIR and USER's address book, discovered
# (timed); sets the caller's `conf` (its configuration) and `dbook` (the address book's path).
ddiscover() {
  dbook=$(book_of "$1")
  conf=$(dconf "$1" "$2" "$dbook")
  begin
  "$vdir" -c "$conf" discover >> "$work/vdirsyncer.out" 2>&1 < /dev/null
  end vdirsyncer "discover" ""
}

# bench SERVER: the whole run against one server; its table in $work/results-SERVER.md.
bench() {
  server="$1"
  results="$work/results-$server.md"
  : > "$results"
  mkdir -p "$work/$server"
  "start_$server"
  echo
  echo "# $server_version on $url; $("$vdir" --version); $("$bin" --version) at $rev"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
  echo "$server_version; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" > "$work/about-$server"

  echo
  echo "## $small new contacts uploaded to an empty address book"
  vsmall "v$small" Vernetzt
  vsmall "c$small" "Vernetzt, contacts only" --no-calendar
  local conf dbook
  rm -rf "$work/$server/vdir-$small"
  cp -r "$work/cards-$small" "$work/$server/vdir-$small"
  ddiscover "d$small" "$work/$server/vdir-$small"
  begin; dsync "$conf"
  end vdirsyncer "upload $small new contacts" "$(on_server "$dbook") cards on the server"
  begin; dsync "$conf"
  end vdirsyncer "sync, no change ($small)" ""
  begin; dsync "$conf"
  end vdirsyncer "sync, no change again ($small)" ""

  echo
  echo "## $large contacts on the server"
  for u in v$large c$large d$large; do seed "$u"; done
  vlarge "v$large" Vernetzt
  vlarge "c$large" "Vernetzt, contacts only" --no-calendar

  local d="$work/$server/vdir-$large"
  ddiscover "d$large" "$d"
  begin; dsync "$conf"
  end vdirsyncer "first sync: pull $large contacts (not a target)" "$(find "$d" -name '*.vcf' | wc -l) files here"
  for i in 1 2 3; do
    begin; dsync "$conf"
    end vdirsyncer "sync, no change ($large), run $i" ""
  done
  retitle "$d" "$changes" "$role"
  begin; dsync "$conf"
  end vdirsyncer "sync after $changes contacts changed here ($large)" ""
  begin; dsync "$conf"
  end vdirsyncer "sync, no change after that ($large)" ""
  begin; dsync "$conf"
  end vdirsyncer "sync, no change again ($large)" ""
  series vdirsyncer "$series_n" dsync "$conf"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "; $(cut -d' ' -f1-3 /proc/loadavg) at the end" >> "$work/about-$server"
  stop_server
}

python3 "$gen" generate "$work/cards-$small" -n "$small" --seed 42 2>/dev/null
multi "$work/all-$small.vcf" "$work/cards-$small"
python3 "$gen" generate "$work/cards-$large" -n "$large" --seed 42 2>/dev/null
multi "$work/all-$large.vcf" "$work/cards-$large" plain-uids
for s in $servers; do
  case "$s" in radicale | sabredav) bench "$s" ;; *) echo "unknown server: $s (radicale, sabredav)" >&2; exit 2 ;; esac
done

for s in $servers; do
  echo
  echo "### $(tr -d '\n' < "$work/about-$s")"
  echo
  echo "| step | tool | wall | requests | server time (sum) | notes |"
  echo "| --- | --- | ---: | ---: | ---: | --- |"
  cat "$work/results-$s.md"
done
