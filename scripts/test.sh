#!/usr/bin/env bash
# Sets up what is missing and runs every test: formatting, clippy, Rust unit and integration
# tests, the UI's lint, type check and unit tests, and the end-to-end tests of the real built app
# (WebDriver under Xvfb, with axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vernetzt/target}"
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s\n' "$*"; }

step "UI: build (the app embeds ui/dist)"
(cd ui && npm run build --silent)

step "Shape: no import circle between modules of crates/core, no source file over its size"
python3 scripts/test_check_cycles.py
python3 scripts/check-cycles.py
python3 scripts/check-sizes.py

step "Rust: rustfmt"
cargo fmt --all -- --check

step "Rust: clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: unit and integration tests (keyring tests against a real Secret Service)"
crates/net/tests/with-keyring.sh cargo test --workspace --exclude vernetzt-app --locked

step "Fuzzing, short run: every parser 10 s on mutated real-world files (long runs: docs/security.md)"
cargo run -q --release --locked -p vernetzt-fuzz -- all --seconds 10 --corpus ../shared/corpus \
  --crashes "$CARGO_TARGET_DIR/fuzz-crashes"

step "Benchmark guard: counted instructions (callgrind) of import, search, feed and store opening against bench/baseline.json"
python3 bench/test_guard.py
./scripts/bench-guard.sh

step "UI: lint, type check, unit tests"
(cd ui && npm run lint && npm run check && npm test)

step "Build the release app and CLI for the end-to-end tests"
cargo build --release --locked -p vernetzt-app --features custom-protocol -p vernetzt-cli

step "End-to-end: the real app through tauri-driver + WebKitWebDriver under Xvfb (keyring for the sync test)"
# Inside the keyring's private D-Bus session WebKitGTK asks the settings portal, which starts the
# document portal; that would mount FUSE on $XDG_RUNTIME_DIR/doc and race the scratch dir's
# removal. A plain file there keeps it from mounting.
crates/net/tests/with-keyring.sh sh -c ': > "$XDG_RUNTIME_DIR/doc" && cd tests/e2e && xvfb-run -a -s "-screen 0 1280x900x24" npm test'

step "Debian package: build, install, open a .vcf and a webcal:// link with xdg-open, remove"
# Installs into this machine (CI runs as root); handlers.deb.mjs removes it again.
deb="$(./scripts/package-deb.sh | tail -n 1)"
crates/net/tests/with-keyring.sh sh -c ': > "$XDG_RUNTIME_DIR/doc" && cd tests/e2e && VERNETZT_DEB="$1" xvfb-run -a -s "-screen 0 1280x900x24" node --test --test-reporter=spec handlers.deb.mjs' sh "$deb"

step "All tests passed"
