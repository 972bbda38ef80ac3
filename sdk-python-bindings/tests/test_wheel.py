"""Builds the wheel, installs it into a fresh venv and runs quickstarts/python.md from there."""
from __future__ import annotations

import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_installs_and_runs_the_python_quickstart(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        # --no-build-isolation: hatchling comes from the test venv (make install), no download here.
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT / "sdk-python-bindings")],
        check=True,
    )
    wheel = next(dist.glob("trustfabric-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "trustfabric/py.typed" in names
    assert "trustfabric/_driver/driver.mjs" in names, "the bundled Node driver must ship in the wheel"
    # The bundle is split: chunks loaded on demand (ZK-TX) and the simulator's worker thread entry.
    driver_dir = ROOT / "sdk-python-bindings" / "src" / "trustfabric" / "_driver"
    built = sorted(p.name for p in [*driver_dir.glob("*.mjs"), *driver_dir.glob("*.wasm")])
    assert "lac-simulate-worker.mjs" in built
    # the pairing threads' WebAssembly module, written by the SDK build
    assert "zk-pairing.wasm" in built
    missing = [n for n in built if f"trustfabric/_driver/{n}" not in names]
    assert missing == [], f"driver files missing from the wheel: {missing}"

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-index", str(wheel)], check=True)

    md = (ROOT / "quickstarts" / "python.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```$", md, flags=re.S | re.M)
    assert len(blocks) >= 3
    script = tmp_path / "quickstart.py"
    script.write_text("\n".join(blocks))
    r = subprocess.run([str(py), str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verified: True at index 0" in r.stdout
    assert "rejected: TF_LOG_INCLUSION_MISMATCH" in r.stdout
    assert "run 0" in r.stdout
