#!/usr/bin/env python3
"""Worst-case stack depth from GCC's -fcallgraph-info=su output.

Usage: stack_usage.py [--assume CALLER_GLOB=TARGET,TARGET ...] ROOT... -- FILE.ci...

Each .ci file (one per object) lists the functions of that object with
their frame size (the same numbers as -fstack-usage's .su files) and the
direct calls they make. This tool joins all of them into one call graph
and, for each root, reports the deepest path: the sum of frames along the
worst chain of calls.

What it cannot see, and therefore reports instead of guessing:
  * indirect calls (function pointers, vtables) - unless the caller
    matches an --assume rule, the call is listed as unresolved and adds 0;
  * recursion - a cycle is listed and its back edge adds 0;
  * functions without a .ci (libc, libgcc helpers such as
    __aeabi_uldivmod, hand-written assembly) - listed, counted as 0;
  * frames marked "dynamic" (alloca, VLAs) - listed with their static part.
Standard library only.
"""
import fnmatch
import re
import sys

NODE = re.compile(r'^node: \{ title: "([^"]*)" label: "([^"]*)"')
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"(?: label: "([^"]*)")?')
FRAME = re.compile(r'\\n(\d+) bytes \(([a-z,]+)\)')


class Graph:
    def __init__(self):
        self.frame = {}      # title -> bytes
        self.qual = {}       # title -> "static" / "dynamic" / "dynamic,bounded"
        self.name = {}       # title -> function name as written
        self.calls = {}      # title -> [(target, where)]

    def load(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = NODE.match(line)
                if m:
                    title, label = m.group(1), m.group(2)
                    fm = FRAME.search(label)
                    if fm:
                        self.frame[title] = int(fm.group(1))
                        self.qual[title] = fm.group(2)
                        self.name[title] = label.split("\\n", 1)[0]
                        self.calls.setdefault(title, [])
                    continue
                m = EDGE.match(line)
                if m:
                    self.calls.setdefault(m.group(1), []).append((m.group(2), m.group(3) or ""))


class Analysis:
    def __init__(self, graph, assume):
        self.g = graph
        self.assume = assume            # [(caller_glob, [targets])]
        self.memo = {}
        self.unresolved = set()         # (caller, where)
        self.assumed = set()            # (caller, target)
        self.unknown = set()            # callees without frame info
        self.recursion = set()
        self.dynamic = set()

    def display(self, title):
        return self.g.name.get(title, title)

    def targets(self, caller, target, where):
        if target != "__indirect_call":
            return [target]
        name = self.display(caller)
        for glob, tgts in self.assume:
            if fnmatch.fnmatch(name, glob):
                for t in tgts:
                    self.assumed.add((name, t))
                return tgts
        self.unresolved.add((name, where))
        return []

    def depth(self, title, stack=()):
        """(worst bytes, path) from entering title."""
        if title in self.memo:
            return self.memo[title]
        if title in stack:
            self.recursion.add(" -> ".join(self.display(t) for t in stack + (title,)))
            return 0, []
        if title not in self.g.frame:
            self.unknown.add(title)
            return 0, [(title, None)]
        if self.g.qual[title] != "static":
            self.dynamic.add((self.display(title), self.g.qual[title]))
        best, best_path = 0, []
        for target, where in self.g.calls.get(title, []):
            for t in self.targets(title, target, where):
                d, p = self.depth(t, stack + (title,))
                if d > best:
                    best, best_path = d, p
        result = (self.g.frame[title] + best, [(title, self.g.frame[title])] + best_path)
        self.memo[title] = result
        return result


def analyse(ci_files, roots, assume):
    g = Graph()
    for path in ci_files:
        g.load(path)
    a = Analysis(g, assume)
    results = {r: a.depth(r) for r in roots}
    return a, results


def main(argv):
    assume, roots, files = [], [], []
    args = iter(argv)
    for arg in args:
        if arg == "--assume":
            caller, _, tgts = next(args).partition("=")
            assume.append((caller, tgts.split(",")))
        elif arg == "--":
            files = list(args)
        else:
            roots.append(arg)
    a, results = analyse(files, roots, assume)
    for root, (depth, path) in results.items():
        print("%-28s %6d bytes  via %s" % (root, depth, " > ".join(
            "%s(%s)" % (a.display(t), "?" if f is None else f) for t, f in path)))
    for caller, where in sorted(a.unresolved):
        print("unresolved indirect call in %s at %s" % (caller, where))
    for caller, target in sorted(a.assumed):
        print("assumed indirect call %s -> %s" % (caller, target))
    for t in sorted(a.unknown):
        print("no stack information: %s" % t)
    for r in sorted(a.recursion):
        print("recursion: %s" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
