"""Results are frozen dataclasses that convert to plain dicts (and JSON) and display in notebooks."""
from __future__ import annotations

import dataclasses
import html
import json
from typing import Any, ClassVar, Dict, Tuple, Type, TypeVar

T = TypeVar("T", bound="Result")


def _drop_none(d: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


class Result:
    """Base of every generated result type."""

    __tf_fields__: ClassVar[Dict[str, Tuple[str, Any, bool]]] = {}

    @classmethod
    def from_dict(cls: Type[T], data: Dict[str, Any]) -> T:
        kwargs: Dict[str, Any] = {}
        for py, (json_name, nested, is_list) in cls.__tf_fields__.items():
            if json_name not in data:
                continue
            value = data[json_name]
            if nested is not None and value is not None:
                value = [nested.from_dict(v) for v in value] if is_list else nested.from_dict(value)
            kwargs[py] = value
        return cls(**kwargs)

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain JSON-compatible data, with the engine's (camelCase) field names."""
        out: Dict[str, Any] = {}
        for py, (json_name, _nested, _is_list) in self.__tf_fields__.items():
            value = getattr(self, py)
            if value is None:
                continue
            if isinstance(value, Result):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, Result) else v for v in value]
            out[json_name] = value
        return out

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def _repr_html_(self) -> str:
        # Replay and simulation reports carry their own self-contained page (html=True):
        # show it sandboxed, so its script runs without access to the notebook.
        page = getattr(self, "html", None)
        if isinstance(page, str) and page:
            return (
                '<iframe sandbox="allow-scripts" style="width:100%;height:640px;border:1px solid #ddd" '
                f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
            )
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(f.name)}</th><td><pre style='margin:0'>"
            f"{html.escape(_short(getattr(self, f.name)))}</pre></td></tr>"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        )
        return f"<table><caption>{html.escape(type(self).__name__)}</caption>{rows}</table>"


def _short(value: Any) -> str:
    if isinstance(value, Result):
        value = value.to_dict()
    text = value if isinstance(value, str) else json.dumps(value, indent=1, default=str)
    return text if len(text) < 2000 else text[:2000] + "…"
