from __future__ import annotations

import os
import signal
import stat
import tempfile
from pathlib import Path

import pytest

import trustfabric
from trustfabric import TrustFabricError
from trustfabric._driver import find_node


def test_driver_restarts_after_being_killed_between_calls() -> None:
    with trustfabric.Client(tempfile.mkdtemp()) as tf:
        tf.log.init(origin="example.com/kill")
        pid = tf._transport.pid
        os.kill(pid, signal.SIGKILL)
        tf._transport._proc.wait(timeout=10)
        # Nothing was in flight: the next call transparently starts a new driver.
        assert tf.log.checkpoint().size == 0
        assert tf._transport.pid != pid


def _fake_node(tmp: Path, body: str) -> str:
    script = tmp / "node"
    script.write_text(f"#!/bin/sh\nif [ \"$1\" = --version ]; then echo v20.20.0; exit 0; fi\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_driver_dying_during_a_call_is_a_clear_error_then_restarts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A "node" that says hello, then dies as soon as it reads a request.
    fake = _fake_node(tmp_path, 'echo \'{"id":0,"ok":true,"data":{"ready":true}}\'; read line; kill -9 $$')
    tf = trustfabric.Client(str(tmp_path / "home"), node=fake)
    with pytest.raises(TrustFabricError) as e:
        tf.log.checkpoint()
    assert e.value.code == "TF_DRIVER_UNAVAILABLE"
    assert "next call" in e.value.remedy
    # The next call starts a fresh driver (the real one this time).
    tf._transport._node = None
    with pytest.raises(TrustFabricError) as e2:
        tf.log.checkpoint()
    assert e2.value.code == "TF_LOG_NOT_INITIALIZED"
    tf.close()


def test_node_not_found_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_NODE", str(tmp_path / "no-such-node"))
    with pytest.raises(TrustFabricError) as e:
        find_node()
    assert e.value.code == "TF_DRIVER_UNAVAILABLE"
    assert "TF_NODE" in str(e.value)


def test_too_old_node_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v18.19.0\n")
    old.chmod(0o755)
    monkeypatch.setenv("TF_NODE", str(old))
    with pytest.raises(TrustFabricError) as e:
        find_node()
    assert "18.19" in str(e.value)
