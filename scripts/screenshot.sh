#!/usr/bin/env bash
# Screenshots of the real app (release build, showcase demo) under Xvfb with a private keyring.
#   ./scripts/screenshot.sh [OUT.png] [view]   one view, German (default: docs/screenshot.png, events)
#   ./scripts/screenshot.sh --all DIR          contacts, events, duplicates and settings,
#                                              in German and English, into DIR
# Needs the release app and CLI (`cargo build --release -p vernetzt-app --features custom-protocol
# -p vernetzt-cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
if [ "${1:-}" = "--all" ]; then
  a="--all"; b="$(realpath -m "${2:-screenshots}")"
else
  a="$(realpath -m "${1:-docs/screenshot.png}")"; b="${2:-events}"
fi
crates/net/tests/with-keyring.sh sh -c ': > "$XDG_RUNTIME_DIR/doc" && cd tests/e2e && xvfb-run -a -s "-screen 0 1280x900x24" node screenshot.mjs "$0" "$1"' "$a" "$b"
