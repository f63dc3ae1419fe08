#!/usr/bin/env bash
# Creates (or brings up to date) the tests' own virtualenv and prints its python's path.
# The venv lives outside the clone: $VERNETZT_TEST_VENV or ~/.cache/vernetzt/test-venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${VERNETZT_TEST_VENV:-$HOME/.cache/vernetzt/test-venv}"
req="$here/requirements.txt"
stamp="$venv/.requirements"
exec 9>"${venv}.lock" 2>/dev/null || { mkdir -p "$(dirname "$venv")"; exec 9>"${venv}.lock"; }
flock 9
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! cmp -s "$req" "$stamp"; then
  "$venv/bin/pip" install -q -r "$req" >&2
  cp "$req" "$stamp"
fi
echo "$venv/bin/python"
