#!/usr/bin/env bash
# Sets up what is missing, builds Vernetzt and starts it. `--demo` opens a separate demo database
# filled with 200 generated contacts; without it the app uses your own database.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
(cd ui && npm run build --silent)
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
