from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sdk-python-bindings" / "src"))

import trustfabric  # noqa: E402

CLI = ROOT / "cli" / "bin" / "run.js"


@pytest.fixture(scope="session")
def server() -> Iterator[dict]:
    """A real `tf serve` on 127.0.0.1 with one tenant per test (keys issued by `tf tenants add`)."""
    home = tempfile.mkdtemp(prefix="tf-py-serve-")
    env = {**os.environ, "TF_HOME": home}
    proc = subprocess.Popen(
        ["node", str(CLI), "serve", "--port", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    url = proc.stdout.readline().strip()  # type: ignore[union-attr]
    assert url.startswith("http://127.0.0.1:"), url
    counter = {"n": 0}

    def new_key() -> str:
        counter["n"] += 1
        out = subprocess.run(
            ["node", str(CLI), "tenants", "add", f"py-{counter['n']}", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
        import json

        return json.loads(out)["data"]["apiKey"]

    yield {"url": url, "new_key": new_key, "home": home}
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["local", "remote"])
def client(request: pytest.FixtureRequest) -> Iterator[trustfabric.Client]:
    """The same tests run against both transports."""
    if request.param == "local":
        c = trustfabric.Client(tempfile.mkdtemp(prefix="tf-py-"))
    else:
        srv = request.getfixturevalue("server")
        c = trustfabric.Client(server=srv["url"], api_key=srv["new_key"]())
    yield c
    c.close()
