#!/usr/bin/env python3
"""Tests for check-cycles.py on tiny crates written to a temporary folder.

Run: python3 scripts/test_check_cycles.py
"""

import atexit
import contextlib
import importlib.util
import io
import os
import shutil
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location("check_cycles", os.path.join(HERE, "check-cycles.py"))
check_cycles = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_cycles)


def crate(files: dict) -> str:
    root = tempfile.mkdtemp(prefix="check-cycles-")
    atexit.register(shutil.rmtree, root, True)
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(textwrap.dedent(text))
    return root


def run(root: str, *flags: str):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = check_cycles.main(["check-cycles.py", *flags, root])
    return code, out.getvalue()


LIB = "pub mod store;\npub mod rules;\npub mod model;\n"
STORE_MOD = "mod contacts;\nmod search;\npub use search::Hit;\nfn exec() {}\n"


class CheckCycles(unittest.TestCase):
    def test_sibling_circle_is_found_with_its_lines(self):
        root = crate(
            {
                "lib.rs": LIB,
                "rules.rs": "",
                "model.rs": "",
                "store/mod.rs": STORE_MOD,
                "store/contacts.rs": "use super::{exec, search};\nfn f() { search::reindex(); }\n",
                "store/search.rs": "use super::contacts::{SUMMARY, row};\npub struct Hit;\n",
            }
        )
        code, out = run(root)
        self.assertEqual(code, 1, out)
        self.assertIn("crate::store::contacts -> crate::store::search -> crate::store::contacts", out)
        self.assertIn("store/search.rs:1: use super::contacts::{SUMMARY, row};", out)
        self.assertIn("store/contacts.rs:1: use super::{exec, search};", out)

    def test_top_level_circle_through_a_descendant(self):
        # store/contacts.rs -> rules, and rules -> store::contacts::LIMIT: an edge to the
        # sibling `store` (a reference to a sibling's descendant counts as one to the sibling).
        root = crate(
            {
                "lib.rs": LIB,
                "model.rs": "",
                "rules.rs": "fn f() -> usize { crate::store::contacts::LIMIT }\n",
                "store/mod.rs": STORE_MOD,
                "store/contacts.rs": "pub const LIMIT: usize = 1;\nfn g() { crate::rules::check(); }\n",
                "store/search.rs": "pub struct Hit;\n",
            }
        )
        code, out = run(root)
        self.assertEqual(code, 1, out)
        self.assertIn("crate::rules", out)
        self.assertIn("crate::store", out)
        self.assertIn("rules.rs:1:", out)
        self.assertIn("store/contacts.rs:2:", out)

    def test_no_circle(self):
        # Parent <-> child references (super::exec, search::Hit) are containment, not edges;
        # comments, strings and `pub(super)` do not count; one-way sibling edges are fine.
        root = crate(
            {
                "lib.rs": LIB,
                "model.rs": "",
                "rules.rs": '// see crate::store::contacts\nconst S: &str = "crate::store::x";\n',
                "store/mod.rs": STORE_MOD,
                "store/contacts.rs": (
                    "use super::{exec, search};\nuse crate::{model, rules::check};\n"
                    "pub(super) fn f() { super::exec(); }\n"
                ),
                "store/search.rs": "/// [`super::contacts`] calls us.\npub struct Hit;\n",
            }
        )
        code, out = run(root)
        self.assertEqual(code, 0, out)
        self.assertIn("no import circle", out)

    def test_inline_test_module_is_its_own_module(self):
        # `use super::*` inside `mod tests` of contacts refers to contacts, not to store.
        root = crate(
            {
                "lib.rs": "pub mod a;\npub mod b;\n",
                "a.rs": "pub fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
                "b.rs": "use crate::a::f;\n",
            }
        )
        code, out = run(root)
        self.assertEqual(code, 0, out)

    def test_test_modules_count_only_with_the_flag(self):
        # store's tests fill it with demo data; demo builds on store. Not a design circle.
        root = crate(
            {
                "lib.rs": "pub mod demo;\npub mod store;\n",
                "demo.rs": "use crate::store::Store;\n",
                "store/mod.rs": "pub struct Store;\n#[cfg(test)]\nmod tests;\n",
                "store/tests.rs": "fn t() { crate::demo::populate(); }\n",
            }
        )
        self.assertEqual(run(root)[0], 0)
        code, out = run(root, "--with-tests")
        self.assertEqual(code, 1, out)
        self.assertIn("store/tests.rs:1:", out)

    def test_use_tree_expansion(self):
        self.assertEqual(
            check_cycles.expand_use("crate::{a::{b, self}, c}"),
            [["crate", "a", "b"], ["crate", "a"], ["crate", "c"]],
        )


if __name__ == "__main__":
    unittest.main()
