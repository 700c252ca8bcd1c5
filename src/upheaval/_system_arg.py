"""The system argument, converted in one place: a System, a CrossImpactMatrix, or a model file or built-in name.

Every public function that takes a system declares it with :func:`accepts_system`, in the style of
scikit-learn's ``validate_params``: the parameter is turned, once, on entry, into what the function
works on (a :class:`upheaval.cib.CrossImpactMatrix` or a :class:`upheaval.model.System`), and anything
else is refused with a ``TypeError`` that names the parameter, the function and the forms it accepts.

This module is part of the base layer, so it imports neither the model nor the engine: the package's
``__init__`` (the composition root, above every layer) supplies how a model is loaded, how a system is
compiled and which object is which (:func:`provide`), before any submodule can be imported.

>>> import upheaval.cib as cib
>>> len(cib.find_consistent("dprk-ukraine-2024")) == len(cib.find_consistent(cib.compile_system("dprk-ukraine-2024")))
True
>>> cib.find_consistent(42)
Traceback (most recent call last):
...
TypeError: The 'cim' parameter of find_consistent must be a System, a CrossImpactMatrix, or a model path or built-in name; got 42 (int)
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

__all__ = ["FORMS", "SystemParam", "accepts_system", "provide", "system_params"]

F = TypeVar("F", bound=Callable[..., Any])

FORMS = ("system", "matrix", "name", "path")  # what a system argument may be, as the declarations name them

_ACCEPTED = {
    "matrix": "a System, a CrossImpactMatrix, or a model path or built-in name",
    "either": "a System, a CrossImpactMatrix, or a model path or built-in name",
    "system": "a System, or a model path or built-in name (a CrossImpactMatrix has no actors, ties or texts)",
}

_hooks: dict[str, Callable[[Any], Any]] = {}


def provide(*, load: Callable[[Any], Any], compile: Callable[[Any], Any], kind: Callable[[Any], str | None]) -> None:
    """Supply the conversions: ``load(path or name) -> System``, ``compile(System) -> CrossImpactMatrix`` and
    ``kind(value) -> "system" | "matrix" | None``. Called by ``upheaval/__init__.py``."""
    _hooks.update(load=load, compile=compile, kind=kind)


@dataclass(frozen=True)
class SystemParam:
    """A declared system parameter: its name, what the function works on, and what else it lets through.

    ``to`` is ``"matrix"`` (a System, path or name is compiled), ``"system"`` (a path or name is loaded;
    a bare matrix is refused) or ``"either"`` (a path or name is loaded; a System or matrix passes as given).
    ``optional`` lets ``None`` through, ``many`` takes a sequence of systems, ``also`` names other types
    passed as given (e.g. a graph).
    """

    name: str
    to: Literal["matrix", "system", "either"]
    optional: bool = False
    many: bool = False
    also: tuple[type, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """The forms accepted (of :data:`FORMS`)."""
        return tuple(f for f in FORMS if f != "matrix" or self.to != "system")

    @property
    def accepted(self) -> str:
        """The accepted forms, as the error message words them."""
        text = _ACCEPTED[self.to]
        if self.also:
            text += ", or " + " or ".join(t.__name__ for t in self.also)
        if self.many:
            text = f"a sequence of items each {text}"
        return text + (", or None" if self.optional else "")


def _refuse(spec: SystemParam, caller: str, value: Any, where: str = "") -> TypeError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return TypeError(
        f"The {spec.name!r} parameter of {caller} must be {spec.accepted}; got {shown} ({type(value).__name__}){where}"
    )


_kinds: dict[type, str] = {}  # the kind of each type seen, so that a hot loop's calls cost a dictionary look-up


def _kind(value: Any) -> str | None:
    kind = _hooks["kind"](value)
    if kind is not None:
        _kinds[type(value)] = kind
    return kind


def _convert_one(spec: SystemParam, caller: str, value: Any, where: str = "") -> Any:
    if spec.also and isinstance(value, spec.also):
        return value
    kind = _kinds.get(type(value)) or _kind(value)
    if kind is None and isinstance(value, str | os.PathLike):
        value, kind = _hooks["load"](value), "system"
    if kind == "matrix":
        if spec.to == "system":
            raise _refuse(spec, caller, value, where)
        return value
    if kind == "system":
        return _hooks["compile"](value) if spec.to == "matrix" else value
    raise _refuse(spec, caller, value, where)


def _convert(spec: SystemParam, caller: str, value: Any) -> Any:
    if value is None and spec.optional:
        return None
    if not spec.many:
        return _convert_one(spec, caller, value)
    if isinstance(value, str | bytes | os.PathLike) or not hasattr(value, "__iter__") or _kind(value):
        raise _refuse(spec, caller, value)
    return [_convert_one(spec, caller, v, f" as item {k}") for k, v in enumerate(value)]


def accepts_system(
    param: str = "system",
    *,
    to: Literal["matrix", "system", "either"] = "system",
    optional: bool = False,
    many: bool = False,
    also: tuple[type, ...] = (),
) -> Callable[[F], F]:
    """Declare ``param`` a system parameter of the decorated function and convert it on entry (see :class:`SystemParam`).

    The function keeps its name, docstring and signature; its declarations are read back with
    :func:`system_params`. Decorators stack, one per system parameter.
    """
    if to not in _ACCEPTED:
        raise ValueError(f"to must be one of {sorted(_ACCEPTED)}; got {to!r}")
    spec = SystemParam(param, to, optional, many, tuple(also))

    def decorate(func: F) -> F:
        params = inspect.signature(func).parameters
        if param not in params:
            raise TypeError(f"{func.__qualname__} has no parameter {param!r}")
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        position = list(params).index(param) if params[param].kind in kinds else None
        caller = func.__name__

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if position is not None and position < len(args):
                args = (*args[:position], _convert(spec, caller, args[position]), *args[position + 1 :])
            elif param in kwargs:
                kwargs[param] = _convert(spec, caller, kwargs[param])
            return func(*args, **kwargs)

        wrapper.__system_params__ = (*system_params(func), spec)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def system_params(func: Any) -> tuple[SystemParam, ...]:
    """The system parameters ``func`` declares with :func:`accepts_system` (empty for any other callable)."""
    return tuple(getattr(func, "__system_params__", ()))
