"""Fast option coercion: keep Pydantic off the start-up path (an optional speed-up).

Typer 0.29 coerces every option value through a Pydantic ``TypeAdapter``, built on
first use. Importing Pydantic and building the adapters costs more than importing
Typer and Rich together, on every command. wic's options are plain strings, lists of
strings, flags and enum choices, whose coercion is trivial: for those values this
module answers directly, exactly as Typer's adapters would, and hands anything else
(paths, files, unusual input) to Typer's own coercion, built only then.

Installed once by :mod:`wiccli.cli.app`. It reaches into Typer's internals, so it
first checks that they are what it was written for (:func:`_hooks`) and otherwise
does nothing: wic then runs on Typer's own coercion, as correct and only slower.
``WIC_NO_FAST_COERCE=1`` turns it off on purpose (CI runs the suite that way too).
tests/test_imports.py checks that it is in place on the Typers listed in
:data:`KNOWN_TYPERS`.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

# The Typer releases whose internals this module was written for and tested with.
KNOWN_TYPERS = ("0.29",)
SWITCH = "WIC_NO_FAST_COERCE"

_installed = False


def install() -> None:
    """Route Typer's per-parameter coercion through :func:`_builder` (idempotent).

    Nothing happens when ``$WIC_NO_FAST_COERCE`` is set (to anything but ``0``) or
    when Typer's internals are not the ones expected.
    """
    global _installed
    if _installed or os.environ.get(SWITCH, "0") not in ("", "0"):
        return
    found = _hooks()
    if found is None:
        return
    core, original, base, choose = found
    setattr(core, "build_runtime_param", _builder(original, base, choose))  # noqa: B010
    _installed = True


def _hooks() -> tuple[Any, Any, Any, Any] | None:
    """Typer's module, coercion builder, parameter class and choice coercion, if they
    have the shapes this module relies on; None otherwise."""
    try:
        from typer import _coercion, core
        from typer._param_types import coerce_cli_choice
    except ImportError:  # a Typer without the Pydantic layer: nothing to speed up
        return None
    original: Any = getattr(core, "build_runtime_param", None)
    base: Any = getattr(_coercion, "RuntimeParam", None)
    describe = getattr(_coercion, "resolve_type_descriptor", None)
    descriptor = getattr(_coercion, "TypeDescriptor", None)
    try:
        shaped = (
            original is getattr(_coercion, "build_runtime_param", None)
            and callable(describe)
            and isinstance(base, type) and isinstance(descriptor, type)
            and [f.name for f in fields(base)] == ["parameter_info", "annotation"]
            and {"annotation", "parameter_info", "file_annotation"}
            <= {f.name for f in fields(descriptor)}
            and "_coerce_value" in getattr(base, "__abstractmethods__", ())
            and _parameters(getattr(base, "_coerce_value", None))
            == ["self", "value", "param", "ctx"]
            and {"value", "choices", "case_sensitive", "ctx"} <= set(
                _parameters(coerce_cli_choice))
        )
    except TypeError:  # not dataclasses, or not functions
        return None
    return (core, original, base, coerce_cli_choice) if shaped else None


def _parameters(function: Any) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return []


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
            or getattr(descriptor.parameter_info, "parser", None) is not None
            or not hasattr(descriptor.parameter_info, "case_sensitive")
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
    from typer._coercion import resolve_type_descriptor  # checked by _hooks()

    return resolve_type_descriptor(annotation, parameter_info)
