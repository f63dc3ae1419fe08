#!/usr/bin/env bash
# Builds vernetzt-core, vernetzt-net and vernetzt-cli for Windows (x86_64-pc-windows-gnu) and runs
# their tests under Wine, then prints how many ran, passed and were skipped, and why each skip.
#
# How (docs/decisions.md, "Windows"): Debian 12's rustc-web (Rust 1.96) builds the standard
# library for the target from rust-web-src (-Zbuild-std), mingw-w64 links, and cargo runs every
# test binary (and the vernetzt.exe the CLI tests spawn) through packaging/windows/wine-runner.sh
# in a throwaway Wine prefix. Installs what is missing with apt-get (CI runs as root on Debian 12).
#
# The build cache lives outside the clone: CARGO_TARGET_DIR, by default
# $HOME/.cache/vernetzt/target-windows (about 1 GB). Arguments go to `cargo test` after `--`
# (a test name filter, for example).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

packages=(rustc-web cargo-web rust-web-src mingw-w64 wine wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-windows: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# Debian's Rust, by full path: a rustup toolchain on PATH has no Windows standard library.
export RUSTC=/usr/bin/rustc
version="$("$RUSTC" --version | cut -d' ' -f2)"
export __CARGO_TESTS_ONLY_SRC_ROOT="/usr/src/rustc-$version/library" # must name `library` itself
export RUSTC_BOOTSTRAP=1                                              # for -Zbuild-std
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_AR=x86_64-w64-mingw32-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$repo/packaging/windows/wine-runner.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target-windows}"
# No debug info: mingw's linker is slow on it and the test binaries get large; panics still name
# the failing assertion and line.
export CARGO_PROFILE_DEV_DEBUG=0
export CARGO_TERM_COLOR=never
cargo=(/usr/bin/cargo test -Zbuild-std=std,panic_abort --target x86_64-pc-windows-gnu --locked
  -p vernetzt-core -p vernetzt-net -p vernetzt-cli)

work="$(mktemp -d "${TMPDIR:-/tmp}/vernetzt-windows.XXXXXX")"
cleanup() {
  WINEPREFIX="$work/prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "=== Build the tests for x86_64-pc-windows-gnu (cold: the standard library, OpenSSL, SQLCipher)"
"${cargo[@]}" --no-run

echo "=== A throwaway Wine prefix with the ProcessPrng stand-in (packaging/windows/bcryptprimitives.c)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
/usr/lib/wine/wine64 wineboot --init >/dev/null 2>&1
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  packaging/windows/bcryptprimitives.c -lbcrypt

echo "=== Run the tests under Wine"
log="$work/test.log"
status=0
"${cargo[@]}" --no-fail-fast -- "$@" 2>&1 | tee "$log" || status=$?

echo
echo "=== Windows tests under Wine: summary"
awk '
  /^test result:/ {
    for (i = 1; i <= NF; i++) {
      if ($(i+1) ~ /^passed/) passed += $i
      if ($(i+1) ~ /^failed/) failed += $i
      if ($(i+1) ~ /^ignored/) ignored += $i
    }
  }
  END {
    printf "ran %d, passed %d, failed %d, skipped %d\n", passed + failed, passed, failed, ignored
  }' "$log"
echo "skipped, with the reason each names:"
grep -E '^test .* \.\.\. ignored' "$log" | sed -e 's/^test /  /' -e 's/ \.\.\. ignored, / -- /' \
  -e 's/ \.\.\. ignored$/ -- (no reason given)/' | sort || echo "  none"
exit "$status"
