#!/bin/sh
# Cargo's runner for x86_64-pc-windows-gnu (CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER): runs a
# Windows test binary, or the `vernetzt.exe` a test spawns, under Wine, in the prefix
# scripts/test-windows.sh prepared (WINEPREFIX). Its exit code is the program's.
set -eu
: "${WINEPREFIX:?set WINEPREFIX to the prefix scripts/test-windows.sh prepared}"
export WINEDEBUG="${WINEDEBUG:--all}"
exec "${WINE:-/usr/lib/wine/wine64}" "$@"
