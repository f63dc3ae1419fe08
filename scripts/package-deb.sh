#!/usr/bin/env bash
# Builds the Debian package (Debian 12, the machine's architecture): the app as
# /usr/bin/vernetzt-app with its menu entry, icon and file and link handlers (.vcf, .ics,
# webcal://), and the CLI as /usr/bin/vernetzt. Prints the package's path as the last line.
# The dependencies are what the binaries link, found by dpkg-shlibdeps, so apt pulls them.
# Written with dpkg-deb rather than the Tauri bundler: docs/decisions.md says why.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"

# The app embeds ui/dist; scripts/run.sh and scripts/test.sh keep it current, a fresh clone has none.
[ -f ui/dist/index.html ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) >&2
cargo build --release --locked -p vernetzt-app --features custom-protocol -p vernetzt-cli >&2

version="$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')"
arch="$(dpkg --print-architecture)"
out="$CARGO_TARGET_DIR/deb"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/vernetzt"
mkdir -p "$out" "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/128x128/apps" "$root/usr/share/doc/vernetzt"
install -m 0755 "$CARGO_TARGET_DIR/release/vernetzt-app" "$CARGO_TARGET_DIR/release/vernetzt" "$root/usr/bin/"
install -m 0644 packaging/deb/vernetzt.desktop "$root/usr/share/applications/vernetzt.desktop"
install -m 0644 assets/icons/icon.png "$root/usr/share/icons/hicolor/128x128/apps/vernetzt.png"
printf 'Vernetzt %s\nLicense: EUPL-1.2\n' "$version" \
  > "$root/usr/share/doc/vernetzt/copyright"

# dpkg-shlibdeps wants a debian/control beside it; this one exists only for it.
mkdir -p "$work/debian"
printf 'Source: vernetzt\n\nPackage: vernetzt\nArchitecture: any\n' > "$work/debian/control"
depends="$(cd "$work" && dpkg-shlibdeps -O -e vernetzt/usr/bin/vernetzt-app -e vernetzt/usr/bin/vernetzt 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { echo "package-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  packaging/deb/control.in > "$root/DEBIAN/control"

deb="$out/vernetzt_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
