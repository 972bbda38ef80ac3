#!/usr/bin/env python3
"""NetworkX side of bench/pcq/metrics.mjs: times each PCQ metric on the given edge lists.

    python networkx_bench.py '{"batch_ms": 25,
        "graphs": [{"name": "1k", "csv": "/tmp/x.csv", "metrics": [...], "rounds": 5}]}'

Prints one JSON document: {"version": ..., "results": {graph: {metric: best_ms}}}. The
metrics and parameters are exactly those of docs/pcq-metrics.md (NetworkX's definitions).
Timing follows metrics.mjs: the graph is loaded once, untimed ("(graph build)" times the load
separately); each metric first runs untimed for 2 × batch_ms (at least once: the JavaScript
side's JIT warm-up, done here too so both sides follow one rule; lazy imports), then one more
call sizes the batch by the JavaScript side's rule (calls enough to fill batch_ms, each timed
on its own); the result is the best of `rounds` batch means in ms per call.
"""
import csv
import itertools
import json
import sys
import time

import networkx as nx


def load(path):
    g = nx.Graph()
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for u, v, w in rows:
            g.add_edge(u, v, weight=int(w))
    return g


def run(g, spec):
    m, p = spec["metric"], spec.get("params", {})
    if m == "degree":
        return dict(g.degree())
    if m == "betweenness":
        return nx.betweenness_centrality(g, weight="weight" if p["weighted"] else None)
    if m == "closeness":
        return nx.closeness_centrality(g)
    if m == "pagerank":
        return nx.pagerank(g, weight=None)
    if m == "components":
        return list(nx.connected_components(g))
    if m == "k_shortest_paths":
        return list(itertools.islice(nx.shortest_simple_paths(g, p["source"], p["target"]), p["k"]))
    if m == "clustering":
        return nx.clustering(g)
    if m == "triangles":
        return nx.triangles(g)
    if m == "louvain":
        return nx.community.louvain_communities(g, weight=None, seed=p["seed"])
    raise SystemExit(f"unknown metric {m}")


def batch_size(first_ms, cfg):
    """The batch rule of metrics.mjs: calls enough to fill batch_ms."""
    return int(max(1, -(-cfg["batch_ms"] // max(first_ms, 1e-3))))


def time_calls(rounds, cfg, call):
    # Warm-up as on the JS side: untimed calls for ~2 batches' time, at least one call.
    until = time.perf_counter() + 2 * cfg["batch_ms"] / 1000
    call()
    while time.perf_counter() < until:
        call()
    t = time.perf_counter()
    call()  # a warm call sizes the batch
    b = batch_size((time.perf_counter() - t) * 1000, cfg)
    best = float("inf")
    for _ in range(rounds):
        total = 0.0
        for _ in range(b):
            t = time.perf_counter()
            call()
            total += time.perf_counter() - t
        best = min(best, total * 1000 / b)
        if best > 1000:  # one round of a slow metric is enough (as on the JS side)
            break
    return best


def main():
    cfg = json.loads(sys.argv[1])
    # Warm-up outside the timings (the JS side warms up too): nx.pagerank imports scipy lazily
    # on its first call, which would otherwise be charged to the smallest graph's PageRank.
    nx.pagerank(nx.path_graph(3))
    out = {}
    for graph in cfg["graphs"]:
        rounds = graph["rounds"]
        res = {"(graph build)": time_calls(rounds, cfg, lambda: load(graph["csv"]))}
        g = load(graph["csv"])
        for spec in graph["metrics"]:
            res[spec["label"]] = time_calls(rounds, cfg, lambda: run(g, spec))
        for label, ms in res.items():
            print(f"  networkx {graph['name']} {label}: {ms:.3f} ms", file=sys.stderr)
        out[graph["name"]] = res
    json.dump({"version": nx.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
