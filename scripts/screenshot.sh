#!/usr/bin/env bash
# Takes the README's screenshot of the real app (release build, showcase demo, events view) under
# Xvfb with a private keyring: ./scripts/screenshot.sh [OUT.png] [view]. Needs the release app and
# CLI built (`cargo build --release -p vernetzt-app --features custom-protocol -p vernetzt-cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
out="$(realpath -m "${1:-docs/screenshot.png}")"
view="${2:-events}"
crates/net/tests/with-keyring.sh sh -c ': > "$XDG_RUNTIME_DIR/doc" && cd tests/e2e && xvfb-run -a -s "-screen 0 1280x900x24" node screenshot.mjs "$0" "$1"' "$out" "$view"
