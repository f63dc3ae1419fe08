#!/usr/bin/env python3
"""Fails when a source file grows past the size a reader can hold in mind.

Why: a file that mixes many topics is where the next change lands in the wrong place (issue 12
cut the store, the CLI and the DAV sync into rooms of one topic each). 700 lines is the line
drawn there; `crates/cli/src/main.rs` is only the entry point and stays under 300. Test files
and data are exempt: a test file is a list of cases, not a design.

Usage: scripts/check-sizes.py [ROOT]   (exit 1 and a list when a file is too long)
"""
import os
import sys

LIMIT = 700
ROOTS = ("crates", "src-tauri/src", "ui/src")
SOURCE = (".rs", ".ts", ".svelte", ".mjs", ".js")
SPECIAL = {os.path.join("crates", "cli", "src", "main.rs"): 300}


def is_test(path: str) -> bool:
    parts = path.split(os.sep)
    name = parts[-1]
    return (
        "tests" in parts[:-1]
        or "benches" in parts[:-1]
        or name in ("tests.rs", "test.rs")
        or name.endswith(("_tests.rs", ".test.ts", ".test.mjs"))
    )


def too_long(root: str):
    """Yields (path, lines, limit) for every source file over its limit."""
    for top in ROOTS:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "target", "dist", "gen")]
            for name in files:
                if not name.endswith(SOURCE):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                if is_test(rel):
                    continue
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines = sum(1 for _ in f)
                limit = SPECIAL.get(rel, LIMIT)
                if lines > limit:
                    yield rel, lines, limit


def main() -> int:
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = sorted(too_long(root))
    for rel, lines, limit in bad:
        print(f"{rel}: {lines} lines (limit {limit})")
    if bad:
        print(f"{len(bad)} file(s) over their size limit: split them by topic", file=sys.stderr)
        return 1
    print("sizes: every source file within its limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
