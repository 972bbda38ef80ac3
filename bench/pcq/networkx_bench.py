#!/usr/bin/env python3
"""NetworkX side of bench/pcq/metrics.mjs: times each PCQ metric on the given edge lists.

    python networkx_bench.py '{"graphs": [{"name": "1k", "csv": "/tmp/x.csv", "metrics": [...]}], "rounds": 3}'

Prints one JSON document: {"version": ..., "results": {graph: {metric: best_ms}}}. The
metrics and parameters are exactly those of docs/pcq-metrics.md (NetworkX's definitions).
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


def main():
    cfg = json.loads(sys.argv[1])
    # Warm-up outside the timings (the JS side warms up too): nx.pagerank imports scipy lazily
    # on its first call, which would otherwise be charged to the smallest graph's PageRank.
    nx.pagerank(nx.path_graph(3))
    out = {}
    for graph in cfg["graphs"]:
        g = load(graph["csv"])
        res = {}
        for spec in graph["metrics"]:
            best = float("inf")
            for _ in range(graph.get("rounds", cfg.get("rounds", 1))):
                t = time.perf_counter()
                run(g, spec)
                best = min(best, (time.perf_counter() - t) * 1000)
                if best > 1000:  # one round of a slow metric is enough (as on the JS side)
                    break
            res[spec["label"]] = best
            print(f"  networkx {graph['name']} {spec['label']}: {best:.1f} ms", file=sys.stderr)
        out[graph["name"]] = res
    json.dump({"version": nx.__version__, "results": out}, sys.stdout)


if __name__ == "__main__":
    main()
