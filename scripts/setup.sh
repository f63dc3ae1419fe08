#!/usr/bin/env bash
# Installs what building, running and testing Vernetzt needs on Debian 12 (idempotent): system
# packages, the UI's and the end-to-end tests' npm modules, and tauri-driver. Uses sudo when not
# run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# webkit2gtk + GTK for the app, Xvfb for headless runs, WebKitWebDriver for the end-to-end tests,
# gnome-keyring + dbus for the Secret Service (keyring tests), python3-venv for the tests' own
# virtualenv (python's icalendar and email as independent parsers, aiosmtpd, Radicale), libssl-dev
# for SQLCipher (the encrypted store links the system's libcrypto); the independent peers that
# check what Vernetzt writes and serve its sync (../shared/tools/peers): php for sabre/vobject and
# the sync tests' SabreDAV server, openssl for their TLS certificates, libical's introspection
# data, Debian's python vobject and icalendar; GNU time, which measures the peak memory the
# hostile-input tests and the benchmarks print; valgrind, whose callgrind counts the
# instructions the benchmark regression guard compares (scripts/bench-guard.sh); curl for the
# sync benchmark (scripts/bench-dav.sh); dpkg-dev (dpkg-shlibdeps) for the Debian package, and
# what its test opens files and links with (xdg-open, the desktop database, file for the type).
PACKAGES=(libwebkit2gtk-4.1-dev build-essential pkg-config xvfb xauth webkit2gtk-driver
  dbus dbus-x11 gnome-keyring python3 python3-venv libssl-dev
  php-cli php-sqlite3 php-xml php-mbstring php-curl openssl
  gir1.2-ical-3.0 python3-gi python3-vobject python3-icalendar time valgrind curl
  dpkg-dev desktop-file-utils xdg-utils file)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: Node.js 20 with npm is required" >&2; exit 1; }

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet
fi

# npm ci empties node_modules and installs again (half a minute each): only when the lock file
# changed since the last install here, which a stamp in node_modules records.
npm_ci() {
  local stamp="$1/node_modules/.vernetzt-lock.sha256" want
  want="$(sha256sum < "$1/package-lock.json")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}
npm_ci ui
npm_ci tests/e2e

# The tests' virtualenv (outside the clone): independent parsers and real servers from PyPI.
tests/python/ensure-venv.sh >/dev/null
