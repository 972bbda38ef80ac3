import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_generated_api_matches_the_operation_table() -> None:
    """Fails when sdk-ts/schemas/operations.json changed without regenerating the Python API."""
    r = subprocess.run([sys.executable, str(HERE.parent / "scripts" / "generate.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_operation_has_a_method() -> None:
    import trustfabric

    c = trustfabric.Client.__new__(trustfabric.Client)
    c._bind(lambda op, payload: None)
    for name in trustfabric.OPERATIONS:
        ns, method = name.split(".")
        snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in method)
        assert callable(getattr(getattr(c, ns), snake)), name
