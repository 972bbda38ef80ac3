#!/usr/bin/env python3
"""Compute PCQ golden values with NetworkX only, independently of Trust Fabric's code.

For every fixture directory (default: every directory under examples/pcq/fixtures) this reads
fixture.json and edges.csv, builds the graph with NetworkX, computes each metric the fixture
lists, and writes expected.json (schema trustfabric.dev/pcq/expected/v1).

    .tools/venv/bin/python examples/pcq/networkx_expected.py              # rewrite all
    .tools/venv/bin/python examples/pcq/networkx_expected.py --check      # exit 1 if any differs
    .tools/venv/bin/python examples/pcq/networkx_expected.py DIR --stdout # print one fixture's file

Parameter defaults below mirror the zod defaults of MetricSpec (sdk-ts/src/pcq/metrics.ts),
which themselves follow NetworkX's defaults. The definitions are documented in docs/pcq-metrics.md.
"""

import argparse
import csv
import itertools
import json
import math
import os
import sys
import tempfile

import networkx as nx

FIXTURE_SCHEMA = "trustfabric.dev/pcq/fixture/v1"
EXPECTED_SCHEMA = "trustfabric.dev/pcq/expected/v1"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.join(HERE, "fixtures")

DEFAULTS = {
    "degree": {},
    "betweenness": {"normalized": True},  # weighted: required
    "closeness": {"weighted": False},
    "pagerank": {"alpha": 0.85, "maxIter": 100, "tol": 1e-6, "weighted": True},
    "components": {"strongly": False},
    "k_shortest_paths": {},  # source, target, k, weighted: required
    "clustering": {"weighted": False},
    "triangles": {},
    "louvain": {"resolution": 1, "weighted": True},  # seed: required
}


def read_graph(directory, fixture):
    graph = nx.DiGraph() if fixture["directed"] else nx.Graph()
    path = os.path.join(directory, "edges.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    if header not in (["source", "target"], ["source", "target", "weight"]):
        raise SystemExit(f"{path}: bad header {rows[0]}")
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        u, v = row[0].strip(), row[1].strip()
        w = float(row[2]) if len(header) == 3 else 1.0
        if not fixture["weighted"]:
            w = 1.0
        if u == v or graph.has_edge(u, v) or not math.isfinite(w) or w <= 0:
            raise SystemExit(f"{path}:{line}: self-loop, duplicate edge or bad weight")
        # NetworkX keeps ints as ints; weights are stored as read (float) like the TS side.
        graph.add_edge(u, v, weight=int(w) if w.is_integer() else w)
    return graph


def canonical_groups(groups):
    groups = [sorted(g) for g in groups]
    return sorted(groups, key=lambda g: (-len(g), g[0] if g else ""))


def node_values(graph, mapping):
    return {"kind": "node-values", "values": {str(n): mapping[n] for n in graph.nodes}}


def compute(graph, spec):
    metric = spec["metric"]
    p = {**DEFAULTS[metric], **spec.get("params", {})}
    weight = lambda flag: "weight" if p.get(flag) else None  # noqa: E731
    if metric == "degree":
        return node_values(graph, dict(graph.degree()))
    if metric == "betweenness":
        return node_values(
            graph,
            nx.betweenness_centrality(graph, normalized=p["normalized"], weight=weight("weighted")),
        )
    if metric == "closeness":
        return node_values(graph, nx.closeness_centrality(graph, distance=weight("weighted")))
    if metric == "pagerank":
        return node_values(
            graph,
            nx.pagerank(
                graph, alpha=p["alpha"], max_iter=p["maxIter"], tol=p["tol"], weight=weight("weighted")
            ),
        )
    if metric == "components":
        if not graph.is_directed():
            comps = nx.connected_components(graph)
        elif p["strongly"]:
            comps = nx.strongly_connected_components(graph)
        else:
            comps = nx.weakly_connected_components(graph)
        return {"kind": "components", "components": canonical_groups(comps)}
    if metric == "k_shortest_paths":
        w = weight("weighted")
        try:
            paths = list(
                itertools.islice(nx.shortest_simple_paths(graph, p["source"], p["target"], weight=w), p["k"])
            )
        except nx.NetworkXNoPath:
            paths = []
        return {
            "kind": "paths",
            "paths": [
                {"nodes": path, "length": nx.path_weight(graph, path, "weight") if w else len(path) - 1}
                for path in paths
            ],
        }
    if metric == "clustering":
        return node_values(graph, nx.clustering(graph, weight=weight("weighted")))
    if metric == "triangles":
        return node_values(graph, nx.triangles(graph))
    if metric == "louvain":
        w = weight("weighted")
        comms = nx.community.louvain_communities(
            graph, weight=w, resolution=p["resolution"], seed=p["seed"]
        )
        return {
            "kind": "partition",
            "communities": canonical_groups(comms),
            "modularity": nx.community.modularity(graph, comms, weight=w, resolution=p["resolution"]),
        }
    raise SystemExit(f"unknown metric {metric}")


def expected_for(directory):
    with open(os.path.join(directory, "fixture.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    if fixture.get("schema") != FIXTURE_SCHEMA:
        raise SystemExit(f"{directory}: fixture.json schema is not {FIXTURE_SCHEMA}")
    graph = read_graph(directory, fixture)
    results = [{"spec": spec, "value": compute(graph, spec)} for spec in fixture["metrics"]]
    doc = {
        "schema": EXPECTED_SCHEMA,
        "generator": {"tool": "networkx", "version": nx.__version__},
        "results": results,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main():
    # NetworkX iterates sets of nodes (Louvain, clustering); string hashing is randomized per
    # process unless PYTHONHASHSEED is fixed, so pin it for reproducible expected.json files.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", help="fixture directories (default: all under examples/pcq/fixtures)")
    ap.add_argument("--check", action="store_true", help="compare with the checked-in expected.json; exit 1 on drift")
    ap.add_argument("--stdout", action="store_true", help="print instead of writing (one directory)")
    args = ap.parse_args()
    dirs = args.dirs or sorted(
        os.path.join(DEFAULT_ROOT, d)
        for d in os.listdir(DEFAULT_ROOT)
        if os.path.isfile(os.path.join(DEFAULT_ROOT, d, "fixture.json"))
    )
    drift = []
    for d in dirs:
        text = expected_for(d)
        target = os.path.join(d, "expected.json")
        if args.stdout:
            sys.stdout.write(text)
        elif args.check:
            try:
                with open(target, encoding="utf-8") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            if not same:
                drift.append(d)
        else:
            fd, tmp = tempfile.mkstemp(dir=d, prefix=".expected.json.")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
    if drift:
        print("expected.json out of date (rerun examples/pcq/networkx_expected.py):", file=sys.stderr)
        for d in drift:
            print(f"  {d}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
