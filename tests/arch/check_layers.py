#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Checks the layering of bootd's source folders (issue #12).

Two graphs are built from the tree:
  - the include graph: folder A -> folder B for every line
    #include "B/file.h" in a .c or .h file under A (A != B);
  - the link graph: CMake target T -> target U for every
    target_link_libraries(T ... U) in a CMakeLists.txt; a target belongs to
    the top folder of the CMakeLists.txt that defines it.
It fails (exit 1) when either graph has a cycle (each printed as a path
"a -> b -> a" with the file and line of every edge), when an edge of either
graph goes between folders in a way tests/arch/layers.txt does not allow,
when a target compiles a source file of another folder, or when a folder
with C sources is missing from layers.txt. Exit 0 when all is well, 2 when
layers.txt or the command line is wrong. Standard library only; reads
files as text, runs nothing, writes nothing.

By hand, from the top of the tree: python3 tests/arch/check_layers.py
"""

import argparse
import fnmatch
import os
import re
import sys
from collections import deque

C_EXTS = (".c", ".h")
SRC_EXTS = (".c", ".h", ".cc", ".cpp", ".S", ".s")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
VAR_RE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
LIB_KEYWORDS = {"STATIC", "SHARED", "MODULE", "OBJECT", "INTERFACE",
                "EXCLUDE_FROM_ALL", "WIN32", "MACOSX_BUNDLE", "GLOBAL"}
LINK_KEYWORDS = {"PUBLIC", "PRIVATE", "INTERFACE", "LINK_PUBLIC",
                 "LINK_PRIVATE", "LINK_INTERFACE_LIBRARIES", "debug",
                 "optimized", "general"}


class LayersError(Exception):
    """layers.txt is malformed; the text says where."""


class Edge:
    """One reason for an edge: where it is written, and what it says."""

    def __init__(self, path, line, text):
        self.path, self.line, self.text = path, line, text

    def __str__(self):
        return "%s:%d: %s" % (self.path, self.line, self.text)


class Layers:
    """tests/arch/layers.txt: modules lowest first, what each may use."""

    def __init__(self, path):
        self.order = []		# module names, lowest first
        self.allowed = {}	# module -> set of modules it may use
        self.ignore = []	# shell patterns of folders that are no module
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                if ":" not in line:
                    raise LayersError("%s:%d: want \"module: uses...\"" %
                                      (path, n))
                name, uses = line.split(":", 1)
                name, uses = name.strip(), uses.split()
                if name == "ignore":
                    self.ignore += uses
                    continue
                if not IDENT_RE.fullmatch(name) or name in self.allowed:
                    raise LayersError("%s:%d: bad or repeated module \"%s\""
                                      % (path, n, name))
                for u in uses:
                    if u not in self.allowed:
                        raise LayersError(
                            "%s:%d: %s may use only modules of earlier "
                            "lines, not \"%s\"" % (path, n, name, u))
                self.order.append(name)
                self.allowed[name] = set(uses)
        if not self.order:
            raise LayersError("%s: no module" % path)

    def ignored(self, folder):
        return any(fnmatch.fnmatchcase(folder, p) for p in self.ignore)


def top_folders(root, layers):
    """The top folders that are read: every one not hidden or ignored."""
    out = []
    for d in sorted(os.listdir(root)):
        if (d.startswith(".") or layers.ignored(d) or
                not os.path.isdir(os.path.join(root, d))):
            continue
        out.append(d)
    return out


def walk(root, folder):
    """Relative paths of the files under root/folder, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            out.append(os.path.relpath(os.path.join(dirpath, fn), root))
    return sorted(out)


def c_includes(path):
    """(line, included name) of the #include "..." lines of a C file,
    outside comments. A forward declaration is no include: not an edge."""
    out = []
    in_comment = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            code = ""
            i = 0
            while i < len(line):
                if in_comment:
                    j = line.find("*/", i)
                    if j == -1:
                        break
                    in_comment, i = False, j + 2
                elif line.startswith("/*", i):
                    in_comment, i = True, i + 2
                elif line.startswith("//", i):
                    break
                else:
                    code += line[i]
                    i += 1
            m = INCLUDE_RE.match(code)
            if m:
                out.append((n, m.group(1)))
    return out


BRACKET_RE = re.compile(r"\[(=*)\[")


def cmake_tokens(text):
    """Yields (kind, text, line) of a CMake file: kind "(" or ")", "word"
    (unquoted) or "arg" (quoted or bracket, kept whole). Comments and
    blanks are dropped."""
    i, n, line = 0, len(text), 1
    while i < n:
        c, start = text[i], line
        if c.isspace():
            j = i + 1
        elif c in "()":
            yield c, c, line
            j = i + 1
        elif c == "#" and not BRACKET_RE.match(text, i + 1):
            j = text.find("\n", i)
            j = n if j == -1 else j
        elif c == "#" or BRACKET_RE.match(text, i):
            m = BRACKET_RE.match(text, i + (c == "#"))
            close = "]" + m.group(1) + "]"
            j = text.find(close, m.end())
            j = n if j == -1 else j + len(close)
            if c != "#":
                yield "arg", text[m.end():j - len(close)], line
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            yield "arg", text[i + 1:j], line
            j += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()#"':
                j += 2 if text[j] == "\\" else 1
            yield "word", text[i:j], line
        line = start + text.count("\n", i, j)
        i = j


def cmake_commands(text):
    """Yields (name, args, line) of each command of a CMake file, args a
    list of (text, line). Parentheses inside the arguments are dropped."""
    name, depth, args, prev = None, 0, [], None
    for kind, tok, line in cmake_tokens(text):
        if depth == 0:
            if kind == "(" and prev is not None and prev[0] == "word" and \
                    IDENT_RE.fullmatch(prev[1]):
                name, start, depth, args = prev[1].lower(), prev[2], 1, []
            prev = (kind, tok, line)
        elif kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
            if depth == 0:
                yield name, args, start
                prev = None
        else:
            args.append((tok, line))


class Tree:
    """What the checks need of a tree: include edges between folders,
    targets, link edges between targets and foreign sources."""

    def __init__(self, root, layers):
        self.root, self.layers = root, layers
        self.folders = top_folders(root, layers)
        self.unlisted = []	# (folder, a file that makes it count)
        self.includes = {}	# (a, b) -> [Edge]
        self.targets = {}	# name -> (folder, Edge of its definition)
        self.links = {}		# (t, u) -> [Edge]
        self.foreign = []	# (target, Edge)
        self._read_includes()
        self._read_cmake()

    def _read_includes(self):
        names = set(self.layers.order) | set(self.folders)
        for folder in self.folders:
            files = [p for p in walk(self.root, folder)
                     if p.endswith(C_EXTS)]
            if files and folder not in self.layers.allowed:
                self.unlisted.append((folder, files[0]))
            for p in files:
                for n, inc in c_includes(os.path.join(self.root, p)):
                    other = inc.split("/", 1)[0]
                    if "/" not in inc or other == folder or \
                            other not in names:
                        continue
                    self.includes.setdefault((folder, other), []).append(
                        Edge(p, n, '#include "%s"' % inc))

    def _expand(self, args, variables):
        """args with ${VAR} replaced where this file set() it; a list
        variable alone in an argument becomes several, on its line."""
        out = []
        for a, n in args:
            m = VAR_RE.fullmatch(a)
            if m and m.group(1) in variables:
                out += [(v, n) for v in variables[m.group(1)]]
                continue
            out.append((VAR_RE.sub(
                lambda v: " ".join(variables.get(v.group(1), [v.group(0)])),
                a), n))
        return out

    def _source(self, cmake_dir, arg):
        """arg as a path relative to the root, or None when it is no
        source file of the tree (a keyword, a generated file, ...)."""
        if not arg.endswith(SRC_EXTS) or "${" in arg or "$<" in arg:
            return None
        p = arg if os.path.isabs(arg) else os.path.join(cmake_dir, arg)
        rel = os.path.relpath(os.path.normpath(p), self.root)
        return None if rel.startswith("..") else rel

    def _read_cmake(self):
        links, aliases = [], {}
        for folder in [""] + self.folders:
            for p in walk(self.root, folder) if folder else ["CMakeLists.txt"]:
                if os.path.basename(p) != "CMakeLists.txt" or \
                        not os.path.exists(os.path.join(self.root, p)):
                    continue
                cdir = os.path.dirname(os.path.join(self.root, p))
                variables = {
                    "CMAKE_SOURCE_DIR": [self.root],
                    "PROJECT_SOURCE_DIR": [self.root],
                    "CMAKE_CURRENT_SOURCE_DIR": [cdir],
                    "CMAKE_CURRENT_LIST_DIR": [cdir],
                }
                with open(os.path.join(self.root, p), encoding="utf-8",
                          errors="replace") as f:
                    text = f.read()
                for name, args, n in cmake_commands(text):
                    args = self._expand(args, variables)
                    words = [a for a, _ in args]
                    if name == "set" and args:
                        variables[words[0]] = [
                            a for a in words[1:]
                            if a not in ("PARENT_SCOPE", "CACHE")]
                    elif name in ("add_library", "add_executable") and args:
                        t = words[0]
                        if "IMPORTED" in words[1:]:
                            continue
                        if "ALIAS" in words[1:]:
                            aliases[t] = words[-1]
                            continue
                        where = Edge(p, n, "%s(%s)" % (name, t))
                        self.targets[t] = (folder or ".", where)
                        self._sources(t, folder, cdir, args[1:], p, name)
                    elif name == "target_sources" and args:
                        self._sources(words[0], folder, cdir, args[1:], p,
                                      name)
                    elif name == "target_link_libraries" and args:
                        for u, line in args[1:]:
                            if u not in LINK_KEYWORDS:
                                links.append((words[0], u, Edge(
                                    p, line, "target_link_libraries(%s ... "
                                    "%s)" % (words[0], u))))
        for t, u, e in links:
            u = aliases.get(u, u)
            if t in self.targets and u in self.targets and t != u:
                self.links.setdefault((t, u), []).append(e)

    def _sources(self, target, folder, cdir, args, path, cmd):
        for a, line in args:
            if a in LIB_KEYWORDS:
                continue
            src = self._source(cdir, a)
            if src is not None and src.split(os.sep, 1)[0] != folder:
                self.foreign.append((target, Edge(
                    path, line, "%s(%s ... %s): a source of folder %s" %
                    (cmd, target, src, src.split(os.sep, 1)[0]))))


def cycles(edges):
    """Elementary cycles of a graph given as {(a, b): witnesses}: for each
    edge inside a strongly connected component, the shortest cycle through
    it, each cycle once. Every edge that sits on a cycle is shown."""
    succ = {}
    for a, b in sorted(edges):
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    comp = scc(succ)
    found, out = set(), []
    for a, b in sorted(edges):
        if comp[a] != comp[b]:
            continue
        prev, q = {b: None}, deque([b])
        while q and a not in prev:
            x = q.popleft()
            for y in succ[x]:
                if y not in prev and comp[y] == comp[a]:
                    prev[y] = x
                    q.append(y)
        path, x = [], a
        while x is not None:
            path.append(x)
            x = prev[x]
        path.reverse()		# b ... a
        cyc = [a] + path	# a -> b ... -> a
        ring = cyc[:-1]
        k = ring.index(min(ring))
        key = tuple(ring[k:] + ring[:k])
        if key not in found:
            found.add(key)
            out.append(list(key) + [key[0]])
    return out


def scc(succ):
    """Tarjan's strongly connected components: node -> component id."""
    index, low, comp, stack, on = {}, {}, {}, [], set()
    counter = [0]

    def visit(v):
        # Iterative, so that a deep graph cannot hit the recursion limit.
        work = [(v, iter(succ[v]))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            x, it = work[-1]
            for y in it:
                if y not in index:
                    index[y] = low[y] = counter[0]
                    counter[0] += 1
                    stack.append(y)
                    on.add(y)
                    work.append((y, iter(succ[y])))
                    break
                if y in on:
                    low[x] = min(low[x], index[y])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[x])
                if low[x] == index[x]:
                    while True:
                        y = stack.pop()
                        on.discard(y)
                        comp[y] = x
                        if y == x:
                            break

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return comp


def first(edges):
    """The first witness, and how many more there are."""
    e = sorted(edges, key=lambda e: (e.path, e.line))
    more = "" if len(e) == 1 else "  (+%d more)" % (len(e) - 1)
    return "%s%s" % (e[0], more)


def report(tree, layers, out):
    """Prints every problem; returns how many there are."""
    problems = 0
    target_folder = {t: f for t, (f, _) in tree.targets.items()}

    for folder, f in tree.unlisted:
        out.write("unlisted folder: %s holds C sources (%s) but is not in "
                  "layers.txt\n" % (folder, f))
        problems += 1
    for t, (folder, where) in sorted(tree.targets.items()):
        if folder not in layers.allowed:
            out.write("unlisted folder: target %s is defined in %s, which "
                      "is no module of layers.txt\n" % (t, where.path))
            problems += 1

    for kind, edges in (("include", tree.includes), ("link", tree.links)):
        for cyc in cycles(edges):
            out.write("%s cycle: %s\n" % (kind, " -> ".join(cyc)))
            for a, b in zip(cyc, cyc[1:]):
                out.write("    %s -> %s: %s\n" % (a, b, first(edges[a, b])))
            problems += 1

    for (a, b), edges in sorted(tree.includes.items()):
        if a in layers.allowed and b not in layers.allowed[a]:
            out.write("layer: %s may not include from %s (%s may use: %s)\n"
                      % (a, b, a, " ".join(sorted(layers.allowed[a])) or
                         "nothing"))
            seen = set()
            for e in sorted(edges, key=lambda e: (e.path, e.line)):
                if e.path not in seen:
                    seen.add(e.path)
                    out.write("    %s\n" % e)
            problems += 1
    bad = {}		# (target, its folder, other folder) -> [Edge]
    for (t, u), edges in sorted(tree.links.items()):
        a, b = target_folder[t], target_folder[u]
        if a != b and a in layers.allowed and b not in layers.allowed[a]:
            bad.setdefault((t, a, b), []).extend(edges)
    for (t, a, b), edges in sorted(bad.items()):
        out.write("layer: target %s (%s) may not link targets of %s (%s may "
                  "use: %s)\n" % (t, a, b, a,
                                   " ".join(sorted(layers.allowed[a])) or
                                   "nothing"))
        for e in sorted(edges, key=lambda e: (e.path, e.line, e.text)):
            out.write("    %s\n" % e)
        problems += 1

    for t, e in tree.foreign:
        out.write("foreign source: target %s compiles a file of another "
                  "folder\n    %s\n" % (t, e))
        problems += 1
    return problems


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(here)),
                    help="top of the source tree (default: this script's)")
    ap.add_argument("--layers", help="the layers file (default: "
                    "ROOT/tests/arch/layers.txt)")
    a = ap.parse_args(argv)
    root = os.path.abspath(a.root)
    path = a.layers or os.path.join(root, "tests", "arch", "layers.txt")
    try:
        layers = Layers(path)
    except (OSError, LayersError) as e:
        sys.stderr.write("check_layers: %s\n" % e)
        return 2
    tree = Tree(root, layers)
    n = report(tree, layers, sys.stdout)
    nt = sum(1 for f, _ in tree.targets.values() if f in layers.allowed)
    if n:
        print("check_layers: FAILED: %d problem(s) in %s (the include and "
              "link graphs must have no cycle and follow %s)" %
              (n, root, os.path.relpath(path, root)))
        return 1
    print("check_layers: OK: %d folders, %d include edges, %d targets, "
          "%d link edges; no cycle, all as %s allows" %
          (len(tree.folders), len(tree.includes), nt, len(tree.links),
           os.path.relpath(path, root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
