#!/usr/bin/env bash
# Runs every benchmark script and writes what each printed into docs/benchmarks.md, each into
# its own generated part ("Latest run of every benchmark"), between the markers
# `<!-- bench-all:NAME -->` and `<!-- /bench-all:NAME -->`; the rest of the file (the figures
# with their discussion and history) is left as it is.
#
#   ./scripts/bench-all.sh                      every benchmark (well over an hour on 2 cores;
#                                               bench-dav alone is most of it)
#   VERNETZT_BENCH_ONLY="import feed" ./scripts/bench-all.sh    only these (others keep their part)
#
# NAME: import (bench-import.sh 10000 100000), feed (bench-feed.sh 10000), invite
# (bench-invite.sh 1000), startup (bench-startup.sh 5 10000, builds the UI and the release app),
# dav (bench-dav.sh 1000 10000, Radicale and SabreDAV), guard (bench-guard.sh: the regression
# guard's counted instructions against its baseline). A benchmark that fails leaves its part as it
# was, and the script ends with an error after the others ran.
set -euo pipefail
cd "$(dirname "$0")/.."
only="${VERNETZT_BENCH_ONLY:-import feed invite startup dav guard}"
doc=docs/benchmarks.md
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.lock 2>/dev/null || echo ' + uncommitted changes in crates/')"

command_of() {
  case "$1" in
  import) echo "./scripts/bench-import.sh 10000 100000" ;;
  feed) echo "./scripts/bench-feed.sh 10000" ;;
  invite) echo "./scripts/bench-invite.sh 1000" ;;
  startup) echo "./scripts/bench-startup.sh 5 10000" ;;
  dav) echo "./scripts/bench-dav.sh 1000 10000" ;;
  guard) echo "./scripts/bench-guard.sh" ;;
  *) return 1 ;;
  esac
}

failed=()
for name in $only; do
  cmd=$(command_of "$name") || { echo "unknown benchmark: $name" >&2; exit 2; }
  echo "=== $cmd" >&2
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  t0=$(date +%s)
  if $cmd > "$work/$name.out" 2> "$work/$name.err"; then
    {
      echo "\`$cmd\` at $rev, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - t0)) s;"
      echo "$(nproc) cores, load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
    } > "$work/$name.head"
    python3 - "$doc" "$name" "$work/$name.head" "$work/$name.out" <<'PY'
import re, sys
doc, name, head, out = sys.argv[1:]
text = open(doc, encoding="utf-8").read()
# Table rows stay as they are; anything else the script printed goes into a text block.
parts, block = [], []
def flush():
    if block:
        parts.append("```text\n" + "\n".join(block) + "\n```")
        block.clear()
rows = []
for line in open(out, encoding="utf-8").read().splitlines():
    # No path of this machine in the repository: a script's temporary folder becomes TMPDIR.
    line = re.sub(r"(/[^\s/]+)*/tmp\.[A-Za-z0-9]+", "TMPDIR", line)
    if line.startswith("|"):
        flush()
        rows.append(line)
    else:
        if rows:
            parts.append("\n".join(rows))
            rows = []
        if line.strip():
            block.append(line)
if rows:
    parts.append("\n".join(rows))
flush()
body = open(head, encoding="utf-8").read().strip() + "\n\n" + "\n\n".join(parts)
begin, end = f"<!-- bench-all:{name} -->", f"<!-- /bench-all:{name} -->"
section = "## Latest run of every benchmark (scripts/bench-all.sh)"
if section not in text:
    text = text.rstrip("\n") + f"\n\n{section}\n\nWritten by `./scripts/bench-all.sh`; the sections above discuss the figures.\n"
if begin in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: f"{begin}\n{body}\n{end}", text, flags=re.S)
else:
    text = text.rstrip("\n") + f"\n\n### {name}\n\n{begin}\n{body}\n{end}\n"
open(doc, "w", encoding="utf-8").write(text)
PY
    echo "    done in $(($(date +%s) - t0)) s" >&2
  else
    echo "    FAILED (its part of $doc is unchanged):" >&2
    tail -20 "$work/$name.err" >&2
    failed+=("$name")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
