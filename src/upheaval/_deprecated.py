"""Old public names kept as aliases: using one warns (DeprecationWarning) and names the new one."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from importlib import import_module

__all__ = ["deprecated_names"]


def deprecated_names(module: str, renamed: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` (PEP 562) serving each old name in ``renamed`` as its new name, with a warning.

    >>> import warnings
    >>> getattr_ = deprecated_names("upheaval.network", {"blocs": "camps"})
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     getattr_("blocs").__name__, str(seen[0].message)
    ('camps', '`upheaval.network.blocs` is the old name of `upheaval.network.camps`; use the new name')
    """

    def __getattr__(name: str) -> object:
        if name not in renamed:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new = renamed[name]
        warnings.warn(
            f"`{module}.{name}` is the old name of `{module}.{new}`; use the new name", DeprecationWarning, stacklevel=2
        )
        return getattr(import_module(module), new)

    return __getattr__
