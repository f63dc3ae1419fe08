#!/usr/bin/env python3
"""Tests of the benchmark regression guard's comparison (bench/guard.py): it must fail when a
figure is markedly worse than the baseline, and only then. Run by scripts/test.sh."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guard  # noqa: E402

MEASURED = {"import_1000_vcards": 1_000_000, "search_mix_10000": 2_000_000}


def baseline(scale, tolerance=0.10):
    return {
        "tolerance": tolerance,
        "figures": {k: {"instructions": int(v * scale), "what": k} for k, v in MEASURED.items()},
    }


class Compare(unittest.TestCase):
    def test_same_figures_pass(self):
        ok, _ = guard.compare(baseline(1.0), MEASURED)
        self.assertTrue(ok)

    def test_a_baseline_20_percent_lower_fails(self):
        # The measured figures are 25 % above a baseline 20 % lower: a deliberate slowdown.
        ok, lines = guard.compare(baseline(0.8), MEASURED)
        self.assertFalse(ok)
        self.assertTrue(all(line.startswith("FAIL") for line in lines), lines)

    def test_one_slower_figure_fails(self):
        b = baseline(1.0)
        b["figures"]["search_mix_10000"]["instructions"] = 1_700_000  # measured is +17.6 %
        ok, lines = guard.compare(b, MEASURED)
        self.assertFalse(ok)
        self.assertEqual([l.split()[0] for l in lines], ["ok", "FAIL"])

    def test_within_tolerance_passes(self):
        ok, _ = guard.compare(baseline(0.92), MEASURED)  # +8.7 %
        self.assertTrue(ok)

    def test_faster_passes_and_says_so(self):
        ok, lines = guard.compare(baseline(1.5), MEASURED)
        self.assertTrue(ok)
        self.assertIn("--update", lines[0])

    def test_a_missing_or_new_workload_fails(self):
        b = baseline(1.0)
        del b["figures"]["search_mix_10000"]
        self.assertFalse(guard.compare(b, MEASURED)[0])
        self.assertFalse(guard.compare(baseline(1.0), {"import_1000_vcards": 1_000_000})[0])


class CommandLine(unittest.TestCase):
    def run_guard(self, *args):
        return subprocess.run([sys.executable, guard.__file__, *args], capture_output=True, text=True)

    def test_exit_status_and_update(self):
        with tempfile.TemporaryDirectory() as d:
            base, meas = os.path.join(d, "baseline.json"), os.path.join(d, "measured.json")
            with open(base, "w") as f:
                json.dump(baseline(0.8), f)
            with open(meas, "w") as f:
                json.dump(MEASURED, f)
            self.assertEqual(self.run_guard("compare", base, meas).returncode, 1)
            self.assertEqual(self.run_guard("update", base, meas).returncode, 0)
            self.assertEqual(self.run_guard("compare", base, meas).returncode, 0)
            with open(base) as f:
                self.assertEqual(json.load(f)["figures"]["import_1000_vcards"]["what"], "import_1000_vcards")


if __name__ == "__main__":
    unittest.main()
