"""Remote mode: HTTP/JSON to `tf serve`, with timeouts, retries for idempotent operations and idempotency keys."""
from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional

from ._generated import OPERATIONS
from .errors import TrustFabricError

RETRY_STATUS = {429, 502, 503, 504}


class Remote:
    def __init__(self, url: str, api_key: Optional[str], timeout: float = 30.0, retries: int = 3, backoff: float = 0.1) -> None:
        if not url.startswith(("http://", "https://")):
            raise TrustFabricError("TF_USAGE", f"Not an http(s) URL: {url!r}", "Use a URL such as http://127.0.0.1:8787.")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def call(self, op: str, payload: Dict[str, Any]) -> Any:
        idempotent = OPERATIONS.get(op, {}).get("idempotent", False)
        headers = {"Content-Type": "application/json", "User-Agent": "trustfabric-python"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if not idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())  # the same key on every retry
        body = json.dumps(payload).encode()
        last: Optional[TrustFabricError] = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff * 2 ** (attempt - 1)
                time.sleep(delay / 2 + random.random() * delay / 2)
            req = urllib.request.Request(f"{self.url}/v1/ops/{op}", data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    return self._envelope(res.status, res.read())
            except urllib.error.HTTPError as e:
                err = self._error(e.code, e.read())
                if e.code in RETRY_STATUS:
                    last = err
                    continue
                raise err from None
            except (urllib.error.URLError, OSError) as e:
                last = TrustFabricError(
                    "TF_SERVER_UNAVAILABLE",
                    f"Cannot reach {self.url}: {getattr(e, 'reason', e)}",
                    "Check that `tf serve` is running at the URL and reachable.",
                )
        assert last is not None
        raise last

    def _envelope(self, status: int, raw: bytes) -> Any:
        try:
            env = json.loads(raw)
        except ValueError:
            raise TrustFabricError("TF_SERVER_PROTOCOL", f"HTTP {status} without a JSON envelope") from None
        if env.get("ok") is True:
            return env.get("data")
        raise TrustFabricError.from_body(env.get("error") or {})

    def _error(self, status: int, raw: bytes) -> TrustFabricError:
        try:
            env = json.loads(raw)
            return TrustFabricError.from_body(env.get("error") or {})
        except (ValueError, AttributeError):
            return TrustFabricError("TF_SERVER_PROTOCOL", f"HTTP {status} without a JSON envelope")
