#!/bin/sh
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so the
# keyring tests talk to a real Secret Service without touching the user's own keyring.
#
#   crates/net/tests/with-keyring.sh cargo test -p vernetzt-net --test keyring
#
# Needs the Debian packages dbus (dbus-run-session) and gnome-keyring:
#   apt-get install -y --no-install-recommends dbus gnome-keyring
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool not found; install it: apt-get install -y --no-install-recommends dbus gnome-keyring" >&2
        exit 127
    fi
done

# A throwaway home for the keyring file and the daemon's sockets: the keyring is created with
# our password on first unlock, and an old one with another password cannot get in the way.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vernetzt-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -m 700 "$scratch/data" "$scratch/runtime"

status=0
XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" \
    dbus-run-session -- sh -c '
        # A non-empty password is needed: with an empty one the keyring stays locked.
        printf "%s" "vernetzt-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec "$@"
    ' with-keyring "$@" || status=$?
exit "$status"
