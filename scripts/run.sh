#!/usr/bin/env bash
# Sets up what is missing, builds Vernetzt and starts it. `--demo` opens a separate demo database
# filled with 200 generated contacts; without it the app uses your own database.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
# Rebuilding the UI rewrites ui/dist, which the app embeds, so cargo would relink the app (minutes)
# on every start: build it only when its sources changed since the last build from this checkout.
ui_stamp="$CARGO_TARGET_DIR/ui-dist.sha256"
ui_hash="$(cd ui && find src index.html package.json package-lock.json tsconfig.json vite.config.ts \
  svelte.config.js -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)"
if [ ! -f ui/dist/index.html ] || [ "$(cat "$ui_stamp" 2>/dev/null)" != "$ui_hash" ]; then
  (cd ui && npm run build --silent)
  mkdir -p "$CARGO_TARGET_DIR" && echo "$ui_hash" > "$ui_stamp"
fi
cargo build --release -p vernetzt-app --features custom-protocol -p vernetzt-cli
app="$CARGO_TARGET_DIR/release/vernetzt-app"
# The database is encrypted with a key from the desktop's keyring. A bare machine (no D-Bus
# session, so no Secret Service) can still show the demo, whose generated data needs no secret
# key; your own database then asks for VERNETZT_DB_PASSPHRASE (README).
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${VERNETZT_DB_PASSPHRASE:-}" ] && [[ " $* " == *" --demo "* ]]; then
  echo "run: no keyring session; the demo database uses a fixed passphrase"
  export VERNETZT_DB_PASSPHRASE="vernetzt-demo"
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting under Xvfb (nothing will be visible)"
  exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
