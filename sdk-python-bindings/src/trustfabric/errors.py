"""Errors carry the same stable codes as the CLI and the TypeScript SDK (see docs/errors.md)."""
from __future__ import annotations

from typing import Any, Dict, Optional


class TrustFabricError(Exception):
    """Any failure reported by Trust Fabric. `code` is a stable TF_… code."""

    def __init__(self, code: str, message: str, remedy: str = "", details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.remedy = remedy
        self.details: Dict[str, Any] = details or {}

    @classmethod
    def from_body(cls, body: Dict[str, Any]) -> "TrustFabricError":
        return cls(
            str(body.get("code", "TF_INTERNAL")),
            str(body.get("message", "")),
            str(body.get("remedy", "")),
            body.get("details") or {},
        )

    def __repr__(self) -> str:
        return f"TrustFabricError(code={self.code!r}, message={self.message!r})"
