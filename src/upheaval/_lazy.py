"""Package names that load their modules on first use, and old names kept as warning aliases.

A package's ``__all__`` is its public API. What the project's other packages use from a package
without it being public (plumbing: worker pools, kernels, limits...) is listed in the package's
``_SHARED`` map and served by the same ``__getattr__``, so no package imports another's private
modules (import-linter's ``private_modules`` contract in pyproject.toml).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, names: Mapping[str, str], namespace: dict[str, Any], renamed: Mapping[str, str] | None = None
) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` (PEP 562) for ``package``.

    Each name of ``names`` is loaded from its submodule (``names[name]``, relative to the package)
    on first use and kept in ``namespace`` (the package's globals). Each old name of ``renamed``
    gives the new one's value with a ``DeprecationWarning`` that names both.

    >>> import warnings
    >>> getattr_ = lazy_names("upheaval.network", {}, {}, {"blocs": "camps"})
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     getattr_("blocs").__name__, str(seen[0].message)
    ('camps', '`upheaval.network.blocs` is the old name of `upheaval.network.camps`; use the new name')
    """
    renamed = renamed or {}

    def __getattr__(name: str) -> Any:
        if name in renamed:
            new = renamed[name]
            warnings.warn(
                f"`{package}.{name}` is the old name of `{package}.{new}`; use the new name",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(importlib.import_module(package), new)
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        namespace[name] = value
        return value

    return __getattr__
