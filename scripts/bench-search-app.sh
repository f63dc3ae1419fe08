#!/usr/bin/env bash
# Search-as-you-type in the real app (issue 15): key press to rendered results, at N contacts
# (default 100,000), measured in the page (tests/e2e/bench-search.mjs says how).
#
#   ./scripts/bench-search-app.sh [CONTACTS] [ROUNDS]
#
# Runs the release app under Xvfb through tauri-driver, in a throwaway Secret Service (the
# database key lives in a keyring, as for a user). VERNETZT_BENCH_NO_BUILD=1 uses the built app.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
if [ -z "${VERNETZT_BENCH_NO_BUILD:-}" ]; then
  (cd ui && npm run build --silent >/dev/null)
  cargo build -q --release --locked -p vernetzt-app --features custom-protocol -p vernetzt-cli
fi
echo "| contacts | key presses measured | lost | median | p95 | p99 | max |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
crates/net/tests/with-keyring.sh sh -c ': > "$XDG_RUNTIME_DIR/doc" && cd tests/e2e && xvfb-run -a -s "-screen 0 1280x900x24" node bench-search.mjs "$1" "$2"' sh "${1:-100000}" "${2:-3}"
