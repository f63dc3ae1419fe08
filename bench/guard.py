#!/usr/bin/env python3
"""Compares the regression guard's counted instructions with the committed baseline.

    guard.py compare BASELINE.json MEASURED.json    exit 1 if a figure is markedly worse
    guard.py update BASELINE.json MEASURED.json     writes MEASURED's figures as the baseline

BASELINE.json: {"tolerance": 0.10, "figures": {"NAME": {"instructions": N, "what": "..."}}}.
MEASURED.json: {"NAME": N, ...} (scripts/bench-guard.sh writes it from callgrind's totals).

A figure fails when it is more than `tolerance` above its baseline; a figure in the baseline
that was not measured, or one measured that has no baseline, fails too (a workload silently
dropped or added would otherwise go unguarded). One that is more than `tolerance` below is
reported, so that the baseline can be lowered on purpose (`scripts/bench-guard.sh --update`).
"""
import json
import sys


def compare(baseline, measured):
    """Returns (ok, lines): whether every figure is within tolerance, and a report per figure."""
    tol = float(baseline.get("tolerance", 0.10))
    figures = baseline["figures"]
    ok = True
    lines = []
    for name in sorted(set(figures) | set(measured)):
        if name not in measured:
            ok = False
            lines.append(f"FAIL {name}: in the baseline but not measured")
            continue
        if name not in figures:
            ok = False
            lines.append(f"FAIL {name}: measured but not in the baseline (scripts/bench-guard.sh --update)")
            continue
        base = figures[name]["instructions"]
        now = measured[name]
        change = (now - base) / base
        verdict = "ok  "
        note = ""
        if change > tol:
            ok = False
            verdict = "FAIL"
            note = f"  (more than +{tol:.0%})"
        elif change < -tol:
            note = f"  (more than {tol:.0%} better: lower the baseline on purpose with --update)"
        lines.append(f"{verdict} {name}: {now:,} instructions, baseline {base:,} ({change:+.1%}){note}")
    return ok, lines


def update(baseline, measured):
    """The baseline with the measured figures (descriptions and tolerance kept)."""
    figures = {}
    for name, n in sorted(measured.items()):
        old = baseline.get("figures", {}).get(name, {})
        figures[name] = {"instructions": n, "what": old.get("what", "")}
    return {**baseline, "tolerance": baseline.get("tolerance", 0.10), "figures": figures}


def main(argv):
    if len(argv) != 4 or argv[1] not in ("compare", "update"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        baseline = json.load(f)
    with open(argv[3], encoding="utf-8") as f:
        measured = json.load(f)
    if argv[1] == "update":
        with open(argv[2], "w", encoding="utf-8") as f:
            json.dump(update(baseline, measured), f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(f"baseline written: {argv[2]}; commit it with the reason for the new figures")
        return 0
    ok, lines = compare(baseline, measured)
    print("\n".join(lines))
    if not ok:
        print("benchmark guard: a tracked figure got markedly worse (see docs/benchmarks.md, "
              "'Regression guard'); if that is intended, update the baseline with "
              "scripts/bench-guard.sh --update and say why in the commit", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
