"""Peer for docs/benchmarks.md ("Contact import"): python's `vobject` reading the same vCard files
as `crates/core/benches/import.rs`, the same way (every file read from disk, every card parsed).

Run by scripts/bench-import.sh in the same run as the Rust benchmark; needs `vobject` (Debian:
python3-vobject). Prints one line: `vobject VERSION: N cards from F files, median of 3 MS ms`."""
import os
import statistics
import sys
import time

import vobject

folder = sys.argv[1]
paths = sorted(os.path.join(folder, n) for n in os.listdir(folder))
times = []
cards = 0
for _ in range(3):
    t0 = time.perf_counter()
    cards = 0
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for card in vobject.readComponents(f.read()):
                # vobject parses lazily in parts; touching the properties makes it read them all.
                card.getChildren()
                cards += 1
    times.append(time.perf_counter() - t0)
try:
    from importlib.metadata import version as _version

    version = _version("vobject")
except Exception:  # noqa: BLE001 - the version is only a label
    version = "?"
print(f"vobject {version}: {cards} cards from {len(paths)} files, median of 3 {statistics.median(times) * 1000:.0f} ms")
