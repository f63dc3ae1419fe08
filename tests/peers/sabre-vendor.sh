#!/usr/bin/env bash
# Unpacks the sabre/* sources (SabreDAV 4.7.1 and its dependencies, with a small autoloader) for
# the sync tests' SabreDAV server and prints the folder that holds autoload.php. The archive is
# the peers folder's (../shared/tools/peers/sabre-vendor.tar.gz beside the clone, as in CI;
# $VERNETZT_SABRE_TARBALL names another); Composer's registry is not used. It is unpacked once
# into a cache folder outside the clone: $VERNETZT_PEERS_CACHE or ~/.cache/vernetzt/peers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tarball="${VERNETZT_SABRE_TARBALL:-$here/../../../shared/tools/peers/sabre-vendor.tar.gz}"
cache="${VERNETZT_PEERS_CACHE:-$HOME/.cache/vernetzt/peers}"
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
stamp="$cache/vendor/.source"
want="$(cksum <"$tarball")"
if [ ! -f "$cache/vendor/autoload.php" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$cache/vendor"
  tar -xzf "$tarball" -C "$cache"
  echo "$want" >"$stamp"
fi
echo "$cache/vendor"
