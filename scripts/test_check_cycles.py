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


def store_crate(rules: str, contacts: str, search: str) -> str:
    """The crate most tests need: `model`, `rules`, and `store` with `contacts` and `search`;
    only the files a test is about differ."""
    return crate(
        {
            "lib.rs": LIB,
            "model.rs": "",
            "rules.rs": rules,
            "store/mod.rs": STORE_MOD,
            "store/contacts.rs": contacts,
            "store/search.rs": search,
        }
    )


class CheckCycles(unittest.TestCase):
    def assert_circle(self, root: str, *lines: str) -> None:
        """`root` has a circle: the exit code is 1 and the report names each of `lines`."""
        code, out = run(root)
        self.assertEqual(code, 1, out)
        for line in lines:
            self.assertIn(line, out)

    def test_sibling_circle_is_found_with_its_lines(self):
        self.assert_circle(
            store_crate(
                "",
                "use super::{exec, search};\nfn f() { search::reindex(); }\n",
                "use super::contacts::{SUMMARY, row};\npub struct Hit;\n",
            ),
            "crate::store::contacts -> crate::store::search -> crate::store::contacts",
            "store/search.rs:1: use super::contacts::{SUMMARY, row};",
            "store/contacts.rs:1: use super::{exec, search};",
        )

    def test_top_level_circle_through_a_descendant(self):
        # store/contacts.rs -> rules, and rules -> store::contacts::LIMIT: an edge to the
        # sibling `store` (a reference to a sibling's descendant counts as one to the sibling).
        self.assert_circle(
            store_crate(
                "fn f() -> usize { crate::store::contacts::LIMIT }\n",
                "pub const LIMIT: usize = 1;\nfn g() { crate::rules::check(); }\n",
                "pub struct Hit;\n",
            ),
            "crate::rules",
            "crate::store",
            "rules.rs:1:",
            "store/contacts.rs:2:",
        )

    def test_no_circle(self):
        # Parent <-> child references (super::exec, search::Hit) are containment, not edges;
        # comments, strings and `pub(super)` do not count; one-way sibling edges are fine.
        root = store_crate(
            '// see crate::store::contacts\nconst S: &str = "crate::store::x";\n',
            "use super::{exec, search};\nuse crate::{model, rules::check};\n"
            "pub(super) fn f() { super::exec(); }\n",
            "/// [`super::contacts`] calls us.\npub struct Hit;\n",
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
