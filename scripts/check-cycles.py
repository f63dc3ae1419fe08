#!/usr/bin/env python3
"""Shows import circles between the modules of a Rust crate (default: crates/core/src).

Why: a module that imports a module that imports it back cannot be read, tested or moved on its
own; issue 12 asks that no two modules of `crates/core` do that, and CI runs this check.

What counts as an edge: every path that starts with `crate::`, `super::` or `self::` (in `use`
trees, groups included, and in code), resolved to the deepest module the tree holds. Only
siblings are compared: a parent and its child contain each other, so a reference between them is
no edge; a reference to a sibling's descendant (`super::contacts::insert_note`) is an edge to
that sibling (`contacts`). Comments and string literals are ignored; inline `mod x { ... }` blocks
are modules of their own.

Test modules (`#[cfg(test)] mod x`) are left out unless `--with-tests` is given: a test may build
on a higher layer (the store's search tests fill the store with `demo` data) without that layer
becoming part of the store's design.

Usage: check-cycles.py [--with-tests] [SRC_DIR]
Exit 0: no circle; 1: circle(s) printed; 2: bad arguments.
Python 3 standard library only.
"""

from __future__ import annotations

import os
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
PATH_RE = re.compile(rf"\b(?:crate|super|self)(?:\s*::\s*{IDENT})+")
MOD_OPEN_RE = re.compile(rf"\bmod\s+({IDENT})\s*\{{")
TEST_MOD_RE = re.compile(rf"#\[cfg\(test\)\]\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+({IDENT})\s*([;{{])")
USE_RE = re.compile(r"\buse\s+([^;]*);", re.S)


def strip_code(text: str) -> str:
    """Blanks comments, string and char literals, keeping newlines so line numbers stay."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and not is_ident_char(text, i - 1):
            m = re.match(r'r(#*)"', text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + len(m.group(0)))
            j = n if j < 0 else j + len(close)
            out.append(blank(text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(blank(text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a).
            m = re.match(r"'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def is_ident_char(text: str, i: int) -> bool:
    return i >= 0 and (text[i].isalnum() or text[i] == "_")


def blank(s: str) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in s)


def file_module(src: str, path: str) -> tuple[str, ...]:
    rel = os.path.relpath(path, src)
    parts = rel[:-3].split(os.sep)  # drop ".rs"
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def expand_use(tree: str) -> list[list[str]]:
    """`a::{b, c::{d, self}}` -> [[a, b], [a, c, d], [a, c]]; the caller drops `as x` first."""
    tree = re.sub(r"\s+", "", tree)
    if tree.startswith("::"):
        tree = tree[2:]
    results: list[list[str]] = []

    def walk(prefix: list[str], s: str) -> None:
        brace = s.find("{")
        if brace < 0:
            segs = [p for p in s.split("::") if p]
            if segs and segs[-1] == "self":
                segs = segs[:-1]
            if segs and segs[-1] == "*":
                segs = segs[:-1]
            results.append(prefix + segs)
            return
        head = [p for p in s[:brace].split("::") if p]
        inner = s[brace + 1 : s.rfind("}")]
        for item in split_top(inner):
            if item:
                walk(prefix + head, item)

    walk([], tree)
    return results


def split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def absolute(module: tuple[str, ...], segs: list[str]) -> tuple[str, ...] | None:
    """Resolves a `crate::`/`super::`/`self::` path seen in `module`; None for other paths."""
    if not segs or segs[0] not in ("crate", "super", "self"):
        return None
    if segs[0] == "crate":
        return tuple(segs[1:])
    base = list(module)
    i = 0
    while i < len(segs) and segs[i] in ("super", "self"):
        if segs[i] == "super":
            if not base:
                return None
            base.pop()
        i += 1
    return tuple(base + segs[i:])


class Crate:
    def __init__(self, src: str, with_tests: bool = False) -> None:
        self.src = src
        self.with_tests = with_tests
        self.modules: set[tuple[str, ...]] = {()}
        self.test_modules: set[tuple[str, ...]] = set()
        # (module, file, line number, line text, path segments)
        self.refs: list[tuple[tuple[str, ...], str, int, str, list[str]]] = []
        for root, _dirs, files in os.walk(src):
            for f in sorted(files):
                if f.endswith(".rs"):
                    self.read(os.path.join(root, f))

    def read(self, path: str) -> None:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
        code = strip_code(raw)
        lines = raw.split("\n")
        base = file_module(self.src, path)
        self.modules.add(base)
        # Which inline module each offset is in: a stack of (name, depth at which it closes).
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        stack: list[tuple[tuple[str, ...], int, int]] = []
        depth = 0
        i = 0
        opens = {m.end() - 1: m.group(1) for m in MOD_OPEN_RE.finditer(code)}
        for i, ch in enumerate(code):
            if ch == "{":
                depth += 1
                if i in opens:
                    parent = stack[-1][0] if stack else base
                    mod = parent + (opens[i],)
                    self.modules.add(mod)
                    stack.append((mod, depth, i))
            elif ch == "}":
                if stack and stack[-1][1] == depth:
                    mod, _, start = stack.pop()
                    spans.append((start, i, mod))
                depth -= 1

        def module_at(offset: int) -> tuple[str, ...]:
            best = base
            best_len = -1
            for start, end, mod in spans:
                if start <= offset <= end and len(mod) > best_len:
                    best, best_len = mod, len(mod)
            return best

        for m in TEST_MOD_RE.finditer(code):
            self.test_modules.add(module_at(m.start()) + (m.group(1),))

        def line_of(offset: int) -> int:
            return code.count("\n", 0, offset) + 1

        used = []
        for m in USE_RE.finditer(code):
            body = re.sub(rf"\s+as\s+{IDENT}", "", m.group(1))
            body = re.sub(r"^\s*pub(\s*\([^)]*\))?\s+", "", body)
            for segs in expand_use(body):
                if segs and segs[0] in ("crate", "super", "self"):
                    used.append((m.start(), segs))
        use_spans = [(m.start(), m.end()) for m in USE_RE.finditer(code)]
        for off, segs in used:
            if segs is not None:
                ln = line_of(off)
                self.refs.append((module_at(off), path, ln, lines[ln - 1].strip(), segs))
        for m in PATH_RE.finditer(code):
            if any(s <= m.start() < e for s, e in use_spans):
                continue
            # `pub(super)` / `pub(crate)` / `pub(in crate::x)` are visibility, not references.
            before = code[max(0, m.start() - 8) : m.start()]
            if re.search(r"pub\s*\(\s*(in\s+)?$", before):
                continue
            segs = [s for s in re.split(r"\s*::\s*", m.group(0))]
            ln = line_of(m.start())
            self.refs.append((module_at(m.start()), path, ln, lines[ln - 1].strip(), segs))

    def target(self, path: tuple[str, ...]) -> tuple[str, ...]:
        """The deepest module that `path` names or lies in."""
        for k in range(len(path), -1, -1):
            if path[:k] in self.modules:
                return path[:k]
        return ()

    def edges(self) -> dict[tuple, dict[tuple, list[str]]]:
        graph: dict[tuple, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
        for module, path, ln, text, segs in self.refs:
            if not self.with_tests and any(module[: len(t)] == t for t in self.test_modules):
                continue
            resolved = absolute(module, segs)
            if resolved is None:
                continue
            tgt = self.target(resolved)
            common = 0
            while common < min(len(module), len(tgt)) and module[common] == tgt[common]:
                common += 1
            if common == len(module) or common == len(tgt):
                continue  # the same module, or a parent and its descendant
            a, b = module[: common + 1], tgt[: common + 1]
            where = f"{os.path.relpath(path, self.src)}:{ln}: {text}"
            if where not in graph[a][b]:
                graph[a][b].append(where)
        return graph


def cycles(graph: dict[tuple, dict[tuple, list[str]]]) -> list[list[tuple]]:
    """Circles: within each strongly connected component, the shortest one through each module."""
    index: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    on: set[tuple] = set()
    stack: list[tuple] = []
    comps: list[list[tuple]] = []
    counter = [0]
    nodes = sorted(set(graph) | {b for a in graph for b in graph[a]})

    def strong(v: tuple) -> None:
        # Iterative Tarjan, so deep trees do not hit Python's recursion limit.
        work = [(v, iter(sorted(graph.get(v, {}))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    comps.append(sorted(comp))

    for v in nodes:
        if v not in index:
            strong(v)
    found = []
    seen: set[frozenset] = set()
    for comp in comps:
        members = set(comp)
        # The shortest circle through each member: fixing one circle then shows the next one
        # only if it is really a different circle.
        for start in comp:
            path = shortest_back(graph, members, start)
            key = frozenset(zip(path, path[1:] + path[:1]))
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def shortest_back(graph, members: set, start: tuple) -> list[tuple]:
    """The shortest path start -> ... -> start inside `members` (breadth first)."""
    prev: dict[tuple, tuple | None] = {start: None}
    queue = [start]
    back = None
    while queue and back is None:
        nxt = []
        for u in queue:
            for w in sorted(graph.get(u, {})):
                if w not in members:
                    continue
                if w == start:
                    back = u
                    break
                if w not in prev:
                    prev[w] = u
                    nxt.append(w)
            if back is not None:
                break
        queue = nxt
    path = [back]
    while path[-1] != start:
        path.append(prev[path[-1]])
    path.reverse()
    return path


def name(mod: tuple[str, ...]) -> str:
    return "crate::" + "::".join(mod) if mod else "crate"


def main(argv: list[str]) -> int:
    args = argv[1:]
    with_tests = "--with-tests" in args
    args = [a for a in args if a != "--with-tests"]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    src = args[0] if args else os.path.join(here, "..", "crates", "core", "src")
    if not os.path.isdir(src):
        print(f"check-cycles: {src} is not a folder", file=sys.stderr)
        return 2
    crate = Crate(src, with_tests)
    graph = crate.edges()
    found = cycles(graph)
    for cycle in found:
        ring = cycle + [cycle[0]]
        print("import circle: " + " -> ".join(name(m) for m in ring))
        for a, b in zip(ring, ring[1:]):
            print(f"  {name(a)} -> {name(b)}:")
            for where in graph[a][b]:
                print(f"    {where}")
    if found:
        return 1
    print(f"check-cycles: no import circle among {len(crate.modules)} modules of {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
