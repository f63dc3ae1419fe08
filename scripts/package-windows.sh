#!/usr/bin/env bash
# Builds Vernetzt for Windows (x86_64-pc-windows-gnu) on Debian 12 and its installer:
# vernetzt-app.exe (with the UI embedded), WebView2Loader.dll and the CLI vernetzt.exe, packed by
# makensis from packaging/windows/vernetzt.nsi. Prints the installer's path as the last line.
#
# The toolchain is the one scripts/test-windows.sh uses (Debian's Rust 1.96 with -Zbuild-std,
# mingw-w64); written with makensis rather than the Tauri bundler: docs/decisions.md says why.
# The build cache lives in CARGO_TARGET_DIR, by default $HOME/.cache/vernetzt/target-windows.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(rustc-web cargo-web rust-web-src mingw-w64 nsis imagemagick)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "package-windows: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

export RUSTC=/usr/bin/rustc
version="$("$RUSTC" --version | cut -d' ' -f2)"
export __CARGO_TESTS_ONLY_SRC_ROOT="/usr/src/rustc-$version/library" RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_AR=x86_64-w64-mingw32-ar
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target-windows}"

# tauri-build needs an icon for the .exe's resources at icons/icon.ico (beside tauri.conf.json);
# it is made from the one icon the repository keeps, not committed.
mkdir -p icons
/usr/bin/convert assets/icons/icon.png -define icon:auto-resize=256,128,64,48,32,16 icons/icon.ico

# The app embeds ui/dist; scripts/run.sh and scripts/test.sh keep it current, a fresh clone has none.
[ -f ui/dist/index.html ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) >&2
/usr/bin/cargo build -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu --release --locked \
  -p vernetzt-app --features custom-protocol -p vernetzt-cli >&2

app_version="$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')"
bin="$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/release"
out="$CARGO_TARGET_DIR/windows"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cp "$bin/vernetzt-app.exe" "$bin/WebView2Loader.dll" "$bin/vernetzt.exe" icons/icon.ico "$work/"
setup="$out/Vernetzt_${app_version}_x64-setup.exe"
makensis -V2 -DVERSION="$app_version" -DSRCDIR="$work" -DOUTFILE="$setup" packaging/windows/vernetzt.nsi >&2
echo "$setup"
