"""Fast option coercion: keep Pydantic off the start-up path.

Recent Typer versions coerce every option value through a Pydantic ``TypeAdapter``,
built on first use. Importing Pydantic and building the adapters costs more than
importing Typer and Rich together, on every command. wic's options are plain strings,
lists of strings, flags and enum choices, whose coercion is trivial: for those values
this module answers directly, exactly as Typer's adapters would, and hands anything
else (ints, paths, files, unusual input) to Typer's own coercion, built only then.

Installed once by :mod:`wiccli.cli.app`. It reaches into Typer's internals, so
pyproject.toml pins the Typer versions it is tested with, and
tests/test_imports.py fails when the hook is not in place (a Typer that moved
them would otherwise just make every command slower).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

_installed = False


def install() -> None:
    """Route Typer's per-parameter coercion through :func:`_build` (idempotent)."""
    global _installed
    if _installed:
        return
    try:
        from typer import _coercion, core
        from typer._param_types import coerce_cli_choice
    except ImportError:  # a Typer without the Pydantic layer: nothing to speed up
        return
    original = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None:
        return
    setattr(core, "build_runtime_param", _builder(original, base, coerce_cli_choice))  # noqa: B010
    _installed = True


def installed() -> bool:
    """Whether :func:`install` found Typer's hook and replaced it."""
    return _installed


def _kind(annotation: Any) -> str | None:
    """Which annotations the fast path knows: str, bool, int, list[str] and enums."""
    if annotation is str:
        return "str"
    if annotation is bool:
        return "bool"
    if annotation is int:  # plain digits (`add --quantity 3`); anything else goes to Typer
        return "int"
    if annotation == list[str]:
        return "list"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "enum"
    return None


def _builder(original: Any, base: type, choose: Any) -> Any:
    @dataclass(frozen=True)
    class FastParam(base):  # type: ignore[misc]
        """Coerces the values it recognises; everything else goes to Typer's adapter."""

        kind: str = "str"

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.kind == "str" and isinstance(value, str):
                return value
            if self.kind == "bool" and isinstance(value, bool):
                return value
            if self.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
                return value
            if self.kind == "int" and isinstance(value, str) and value.strip().isdecimal() \
                    and value.strip().isascii():
                return int(value)  # anything else, Typer's own coercion and message
            if self.kind == "list" and isinstance(value, (list, tuple)) and all(
                isinstance(item, str) for item in value
            ):
                return list(value)
            if self.kind == "enum" and isinstance(value, (str, self.annotation)):
                return _choice(choose, value, self, param, ctx)
            return self._slow()._coerce_value(value, param, ctx)

        def _slow(self) -> Any:
            return original(_descriptor(self.annotation, self.parameter_info))

    def build(descriptor: Any) -> Any:
        kind = _kind(descriptor.annotation)
        if (
            kind is None
            or descriptor.file_annotation is not None
            or descriptor.parameter_info.parser is not None
        ):
            return original(descriptor)
        return FastParam(parameter_info=descriptor.parameter_info,
                         annotation=descriptor.annotation, kind=kind)

    return build


def _choice(choose: Any, value: Any, runtime: Any, param: Any, ctx: Any) -> Any:
    """An enum member from its (case-folded) name, with Typer's own error message."""
    from typer import BadParameter

    try:
        return choose(value, choices=list(runtime.annotation),
                      case_sensitive=runtime.parameter_info.case_sensitive, ctx=ctx)
    except ValueError as exc:
        raise BadParameter(f"Value error, {exc}", ctx=ctx, param=param) from None


def _descriptor(annotation: Any, parameter_info: Any) -> Any:
    from typer._coercion import resolve_type_descriptor

    return resolve_type_descriptor(annotation, parameter_info)
