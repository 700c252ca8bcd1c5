"""upheaval: a workbench for modelling geopolitical systems with Cross-Impact Balance analysis.

The names below are the front door; the subpackages behind them (``upheaval.model``,
``upheaval.cib``, ``upheaval.analysis``, ``upheaval.network``, ``upheaval.report``...) load on
first use, so ``import upheaval`` stays cheap.

>>> import upheaval as uh
>>> s = uh.load()                 # the built-in default; or a name, a .yaml or a .scw path
>>> s.id
'dprk-ukraine-2024'
>>> r = uh.find_consistent(s)     # a System, a CrossImpactMatrix, or a model path or built-in name
>>> r.complete, len(r) == len(r.to_frame()) > 0
(True, True)
>>> len(uh.find_consistent("dprk-ukraine-2024")) == len(uh.find_consistent(uh.compile_system(s))) == len(r)
True

A scenario set shows itself in a line (in a notebook, as a table):

>>> import numpy as np
>>> cim = uh.CrossImpactMatrix(np.array([[0, 0, 2, -2], [0, 0, -1, 1], [3, -3, 0, 0], [-1, 1, 0, 0]]), (2, 2))
>>> uh.find_consistent(cim)
<ScenarioSet: 2 consistent scenarios of 4, 2 descriptors, tolerance 0, complete>
"""

import sys as _sys

from upheaval import _system_arg

__version__ = "0.1.0"


# The system argument of every public function is converted by upheaval._system_arg; being the base layer, it
# learns here, before any submodule is imported, how a model is loaded, compiled and recognised.
def _load_model(model: object) -> object:
    from upheaval._load import load

    return load(model)  # type: ignore[arg-type]


def _compile_system(system: object) -> object:
    from upheaval.cib import compile_system

    return compile_system(system)


def _kind(value: object) -> str | None:
    # An instance of a class exists only once its module is imported: nothing is imported to tell them apart.
    for module, cls, kind in (("upheaval.cib", "CrossImpactMatrix", "matrix"), ("upheaval.model", "System", "system")):
        loaded = _sys.modules.get(module)
        if loaded is not None and isinstance(value, getattr(loaded, cls)):
            return kind
    return None


_system_arg.provide(load=_load_model, compile=_compile_system, kind=_kind)

# name -> module that defines it (loaded on first use, PEP 562)
_LAZY = {
    # systems and files
    "load": "upheaval._load",
    "save_system": "upheaval._load",
    "builtin_models": "upheaval.model",
    "System": "upheaval.model",
    # the CIB engine
    "CrossImpactMatrix": "upheaval.cib",
    "ScenarioSet": "upheaval.cib",
    "compile_system": "upheaval.cib",
    "find_consistent": "upheaval.cib",
    "succession": "upheaval.cib",
    # analyses
    "explain": "upheaval.analysis",
    "robustness": "upheaval.analysis",
    "sensitivity": "upheaval.analysis",
    "succession_basins": "upheaval.analysis",
    "landscape": "upheaval.analysis",
    "pathways": "upheaval.analysis",
    "levers": "upheaval.analysis",
    "pick": "upheaval.analysis",
    "shock": "upheaval.analysis",
    "disagreement": "upheaval.analysis",
    "check_claims": "upheaval.claims",
    # the actor network
    "actor_network": "upheaval.network",
    "camps": "upheaval.network",
    "network_difference": "upheaval.network",
    # views
    "storyline": "upheaval.report",
    "write_report": "upheaval.report",
    # errors
    "UpheavalError": "upheaval.errors",
    "ModelError": "upheaval.errors",
    "EngineError": "upheaval.errors",
}
_DEPRECATED = {"blocs": "camps", "load_system": "load"}  # old name -> new name

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> object:
    """Load a front-door name from the module that defines it."""
    if name in _DEPRECATED:
        from upheaval._lazy import lazy_names

        return lazy_names(__name__, {}, {}, _DEPRECATED)(name)
    if name not in _LAZY:
        raise AttributeError(f"module 'upheaval' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


# Notebooks: rich HTML display, attached from the view side (the core knows no HTML).
if "IPython" in _sys.modules:
    from upheaval.report import attach_notebook_display

    attach_notebook_display()
