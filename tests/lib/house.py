"""The house, from the built objects (t097): which source file uses a function or data another
defines (nm's U and T/D/R/B), and every circle among them (Tarjan's strongly connected
components). Prints each circle's files and its edges; exits 1 when there is one.
Usage: house.py BUILD-DIR"""
import collections
import glob
import subprocess
import sys

build = sys.argv[1].rstrip("/") + "/"
objs = [o for o in sorted(glob.glob(build + "**/*.o", recursive=True))
        if "/tests/" not in o and not o.endswith("images.o") and "/fuzz/" not in o]
defines, uses = {}, collections.defaultdict(set)
for o in objs:
    name = o[len(build):-2]
    for line in subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDRB":
            defines[f[2]] = name
        elif len(f) == 2 and f[0] == "U":
            uses[name].add(f[1])
graph = {a: {defines[s] for s in syms if s in defines and defines[s] != a} for a, syms in uses.items()}
sys.setrecursionlimit(100000)
index, low, stack, on, circles = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in graph.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = set()
        while True:
            w = stack.pop()
            on.discard(w)
            c.add(w)
            if w == v:
                break
        if len(c) > 1:
            circles.append(c)


for v in sorted(graph):
    if v not in index:
        visit(v)
for c in circles:
    print("circle:", " ".join(sorted(c)))
    for a in sorted(c):
        for b in sorted(graph[a] & c):
            print("  %s -> %s" % (a, b))
print("%d files, %d uses between them" % (len(objs), sum(len(v) for v in graph.values())), file=sys.stderr)
sys.exit(1 if circles else 0)
