#!/usr/bin/env python3
"""Python call overhead through the stdio driver, against the same call made in-process from
TypeScript in the same run.

    .tools/venv/bin/python bench/python/overhead.py [--op keys.list] [--calls 5000] [--out FILE]

Measures one cheap, read-only operation (keys.list on an empty data directory, or
log.checkpoint on a three-entry log) four ways, interleaved round by round so that every
subject sees the same machine load:

  python typed   tf.keys.list(): the public API (driver round trip + result dataclass)
  python call()  tf.call("keys.list"): the driver round trip, plain dict
  ts in-process  createLocalClient().call("keys.list") in a loop, timed inside Node
                 (peer.mjs engine): the TypeScript user's cost per call
  ts paced       the same single call, but one per request line from Python, timed inside
                 Node: the operation as the driver runs it, between pipe round trips
  pipe floor     the same JSON lines to a Node process that answers without the engine
                 (peer.mjs echo), with the driver's pipe settings: what any Python <-> Node
                 round trip costs here

overhead = median(python typed) - median(ts in-process), in microseconds per call; the aim is
at most 50 us. overhead - (ts paced - ts in-process) is the part the transport adds; the rest is
the operation itself running slower when it is not in a hot loop. Tables go to stdout,
progress to stderr, everything to --out as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parents[1]
sys.path.insert(0, str(ROOT / "sdk-python-bindings" / "src"))

import trustfabric  # noqa: E402
from trustfabric._driver import DRIVER  # noqa: E402

SDK_DIST = ROOT / "sdk-ts" / "dist" / "index.js"
PEER = BENCH / "peer.mjs"
AIM_US = 50.0
OPS = {"keys.list": ("keys", "list"), "log.checkpoint": ("log", "checkpoint")}


def info(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def quantile(sorted_values: List[float], q: float) -> float:
    """Nearest-rank quantile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[i]


def summary(samples_ns: List[int]) -> Dict[str, float]:
    us = sorted(s / 1000 for s in samples_ns)
    return {
        "n": len(us),
        "medianUs": quantile(us, 0.5),
        "p95Us": quantile(us, 0.95),
        "p99Us": quantile(us, 0.99),
        "meanUs": sum(us) / len(us),
        "minUs": us[0],
    }


def timed(fn: Callable[[], Any], calls: int) -> List[int]:
    clock = time.perf_counter_ns
    out = [0] * calls
    for i in range(calls):
        t0 = clock()
        fn()
        out[i] = clock() - t0
    return out


class JsonLinesChild:
    """A Node child spoken to exactly as trustfabric's Driver speaks to its driver (text pipes, line buffered)."""

    def __init__(self, args: List[str]) -> None:
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.next_id = 0

    def send(self, obj: Any) -> Any:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.proc.args[2]} peer exited")
        return json.loads(line)

    def readline(self) -> Any:
        assert self.proc.stdout
        return json.loads(self.proc.stdout.readline())

    def call(self, op: str, payload: Dict[str, Any]) -> Any:
        self.next_id += 1
        rid = self.next_id
        answer = self.send({"id": rid, "op": op, "input": payload})
        if answer.get("id") != rid:
            raise RuntimeError("echo peer answered out of order")
        return answer.get("data")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def node_version(node: str) -> str:
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


def mtime(p: Path) -> str | None:
    return datetime.fromtimestamp(p.stat().st_mtime, timezone.utc).isoformat() if p.exists() else None


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--op", choices=sorted(OPS), default="keys.list", help="operation to call [keys.list]")
    ap.add_argument("--calls", type=int, default=5000, help="timed calls per subject [5000]")
    ap.add_argument("--block", type=int, default=100, help="calls per subject per turn; subjects take turns, order rotating [100]")
    ap.add_argument("--warmup", type=int, default=500, help="untimed calls per subject first [500]")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "python-overhead.json"), help="JSON result [bench/out/python-overhead.json]")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args(argv)
    for name in ("calls", "block"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        ap.error("--warmup must be >= 0")
    for p, what in ((SDK_DIST, "the SDK"), (DRIVER, "the Python driver bundle")):
        if not p.exists():
            info(f"{what} is not built ({p.relative_to(ROOT)} missing): run `PATH=$PWD/.tools/node_modules/.bin:$PATH pnpm run build` at the root")
            return 1

    node = trustfabric.find_node()
    home = tempfile.mkdtemp(prefix="tf-bench-py-")
    ns, method = OPS[args.op]
    load_before = os.getloadavg()
    started = time.time()
    info(f"python overhead: {args.op}, {args.calls} calls per subject in turns of {args.block} (+{args.warmup} warm-up); data in {home}")

    tf = trustfabric.Client(home, node=node)
    engine = floor = None
    try:
        if args.op == "log.checkpoint":
            tf.log.init(origin="bench.example/python-overhead")
            tf.log.append(entries=["one", "two", "three"])
        reply = tf.call(args.op)
        reply_file = Path(home) / "echo-reply.json"
        reply_file.write_text(json.dumps(reply))
        typed = getattr(getattr(tf, ns), method)

        engine = JsonLinesChild([node, str(PEER), "engine", "--sdk", str(SDK_DIST), "--home", home])
        floor = JsonLinesChild([node, str(PEER), "echo", "--reply-file", str(reply_file)])
        floor.readline()  # its ready line, as the driver's

        def ts_loop(n: int) -> List[int]:
            r = engine.send({"op": args.op, "input": {}, "calls": n})
            if not r.get("ok"):
                raise RuntimeError(f"ts peer: {r.get('error')}")
            return r["samplesNs"]

        def ts_paced(n: int) -> List[int]:
            request = {"op": args.op, "input": {}, "paced": True}
            return [engine.send(request)["ns"] for _ in range(n)]

        subjects: Dict[str, Callable[[int], List[int]]] = {
            "python typed": lambda n: timed(typed, n),
            "python call()": lambda n: timed(lambda: tf.call(args.op), n),
            "ts in-process": ts_loop,
            "ts paced": ts_paced,
            "pipe floor": lambda n: timed(lambda: floor.call(args.op, {}), n),
        }
        names = list(subjects)
        for name in names:
            subjects[name](args.warmup)
        # Short turns, order rotating: a burst of load elsewhere on the machine hits every subject.
        samples: Dict[str, List[int]] = {n: [] for n in names}
        block_overheads: List[float] = []
        turns = (args.calls + args.block - 1) // args.block
        for t in range(turns):
            n = min(args.block, args.calls - t * args.block)
            order = names[t % len(names):] + names[: t % len(names)]
            medians: Dict[str, float] = {}
            for name in order:
                s = subjects[name](n)
                samples[name].extend(s)
                medians[name] = summary(s)["medianUs"]
            block_overheads.append(medians["python typed"] - medians["ts in-process"])
    finally:
        tf.close()
        for child in (engine, floor):
            if child:
                child.close()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    stats = {n: summary(v) for n, v in samples.items()}
    py, ts, fl, paced = stats["python typed"], stats["ts in-process"], stats["pipe floor"], stats["ts paced"]
    overhead = py["medianUs"] - ts["medianUs"]
    overhead_p95 = py["p95Us"] - ts["p95Us"]
    transport = py["medianUs"] - paced["medianUs"]
    ratio = py["medianUs"] / ts["medianUs"]
    turn_spread = sorted(block_overheads)
    met = overhead <= AIM_US

    print(f"\nPython call overhead: {args.op}, {args.calls} calls per subject in turns of {args.block} (us per call)\n")
    print(f"{'subject':<16} {'median':>9} {'p95':>9} {'p99':>9} {'mean':>9} {'min':>9}")
    for n in names:
        s = stats[n]
        print(f"{n:<16} {s['medianUs']:>9.1f} {s['p95Us']:>9.1f} {s['p99Us']:>9.1f} {s['meanUs']:>9.1f} {s['minUs']:>9.1f}")
    print(
        f"\noverhead (python typed - ts in-process): median {overhead:.1f} us, p95 {overhead_p95:.1f} us; "
        f"ratio {ratio:.1f}x"
    )
    print(
        f"  the operation outside a hot loop (ts paced - ts in-process): {paced['medianUs'] - ts['medianUs']:.1f} us\n"
        f"  the transport (python typed - ts paced): {transport:.1f} us, against a pipe floor of {fl['medianUs']:.1f} us"
    )
    print(
        f"overhead per turn of {args.block}: p10 {quantile(turn_spread, 0.1):.1f}, median {quantile(turn_spread, 0.5):.1f}, "
        f"p90 {quantile(turn_spread, 0.9):.1f} us ({len(turn_spread)} turns)"
    )
    print(f"aim: overhead <= {AIM_US:.0f} us per call: {'met' if met else 'NOT met'}")
    load_after = os.getloadavg()
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on {os.cpu_count()} CPUs")

    result = {
        "schema": "tf.bench.python-overhead/v1",
        "startedAt": datetime.fromtimestamp(started, timezone.utc).isoformat(),
        "seconds": round(time.time() - started, 3),
        "command": " ".join(["python", "bench/python/overhead.py", *argv]),
        "options": dict(vars(args)),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "node": node_version(node),
            "loadavgBefore": load_before,
            "loadavgAfter": load_after,
        },
        "built": {"sdkDist": mtime(SDK_DIST), "driverBundle": mtime(DRIVER)},
        "subjects": stats,
        "overheadMedianUs": overhead,
        "overheadP95Us": overhead_p95,
        "transportMedianUs": transport,
        "ratioMedian": ratio,
        "overheadPerTurnUs": block_overheads,
        "aim": {"overheadMaxUs": AIM_US, "met": met},
        "samplesNs": samples,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result) + "\n")
    sys.stdout.flush()
    info(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
