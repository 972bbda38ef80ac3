"""Trust Fabric from Python: the same operations as the `tf` CLI and the TypeScript SDK.

    import trustfabric
    tf = trustfabric.Client()                       # local: the embedded engine on ./.tf (or TF_HOME)
    tf = trustfabric.Client(server="http://127.0.0.1:8787", api_key=...)   # remote: `tf serve`
    tf.log.init(origin="example.com/log")
    receipt = tf.log.append(entries=["hello"])
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

from ._driver import Driver, find_node
from ._generated import ENGINE_VERSION, OPERATIONS, GeneratedOperations
from ._remote import Remote
from ._results import Result
from .errors import TrustFabricError

__all__ = ["Client", "TrustFabricError", "Result", "ENGINE_VERSION", "OPERATIONS", "find_node"]
__version__ = ENGINE_VERSION


class Client(GeneratedOperations):
    """One client, two transports: local (a Node driver over stdio) or remote (HTTP to `tf serve`).

    Remote mode is chosen by `server=` or the TF_SERVER environment variable; the API key comes from
    `api_key=` or TF_API_KEY. Use as a context manager, or call close(), to stop the local driver.
    """

    def __init__(
        self,
        home: Optional[str] = None,
        *,
        server: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: float = 30.0,
        retries: int = 3,
        node: Optional[str] = None,
    ) -> None:
        server = server or os.environ.get("TF_SERVER") or None
        if server:
            self._transport: Any = Remote(server, api_key or os.environ.get("TF_API_KEY"), timeout, retries)
        else:
            self._transport = Driver(home or os.environ.get("TF_HOME") or None, node)
        self._bind(self.call)

    @property
    def mode(self) -> str:
        return "remote" if isinstance(self._transport, Remote) else "local"

    def call(self, operation: str, input: Optional[Dict[str, Any]] = None) -> Any:
        """Calls any operation by name with a plain dict; returns plain data (see the typed methods)."""
        if operation not in OPERATIONS:
            raise TrustFabricError("TF_UNKNOWN_OPERATION", f"Unknown operation {operation!r}", "See trustfabric.OPERATIONS.")
        return self._transport.call(operation, input or {})

    def close(self) -> None:
        if isinstance(self._transport, Driver):
            self._transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
