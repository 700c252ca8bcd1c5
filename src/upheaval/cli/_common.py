"""What every command shares: the MODEL argument, error handling, JSON output, progress bars."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from upheaval._notice import set_compile_notice
from upheaval.errors import ModelError, UpheavalError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INVALID",
    "DefaultUncertaintyOpt",
    "JobsOpt",
    "ModelArg",
    "SchedOpt",
    "cluster",
    "compile_notice",
    "console",
    "emit_json",
    "err",
    "fail",
    "handle_errors",
    "parse_assignments",
    "parse_condition",
    "parse_start",
    "search_progress",
]

# Rich never rewrites a message: no emoji codes (``file.yaml:100:15`` holds ``:100:``), no highlighting;
# markup only where a command writes it around text it escaped (see :func:`fail`).
console = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

EXIT_FAILED = 1  # a check failed, or the engine could not answer
EXIT_INVALID = 2  # invalid model or usage

ModelArg = Annotated[
    str | None,
    typer.Argument(
        help="A model file (.yaml, .yml, .scw) or a built-in model name; the built-in dprk-ukraine-2024 when omitted.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")]
VerboseOpt = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Also say on stderr how the search ran (engine, kernel, split, threads)."),
]
TolOpt = Annotated[
    int,
    typer.Option(
        "--tolerance", "-t", min=0, help="Inconsistency tolerance: accept scenarios whose inconsistency is at most K."
    ),
]


def _check_jobs(n_jobs: int) -> int:
    """``--n-jobs`` checked: a positive count or -1, exit 2 otherwise."""
    if n_jobs == 0 or n_jobs < -1:
        raise fail(f"--n-jobs must be a positive number of threads or -1 (all cores); got {n_jobs}", EXIT_INVALID)
    return n_jobs


JobsOpt = Annotated[
    int,
    typer.Option(
        "--n-jobs",
        "-j",
        callback=_check_jobs,
        help="Local worker threads (-1: all cores); the result is the same for any count.",
    ),
]
SchedOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the parallel work (a large search's subtrees, samples, members) on this running "
        "dask.distributed scheduler, e.g. tcp://127.0.0.1:8786, instead of local threads; same result.",
        show_default=False,
    ),
]

DefaultUncertaintyOpt = Annotated[
    int | None,
    typer.Option(
        "--default-uncertainty",
        min=0,
        help="Uncertainty of judgement sections that state none, in steps of the scale (default 1: one step, "
        "the usual disagreement between experts on a cell; 0: such judgements are exact).",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_FAILED, help: str = "") -> typer.Exit:
    """Print ``error: message`` (and ``help:``) on stderr; return the Exit to raise."""
    err.print(f"[bold red]error[/]: {escape(message)}", markup=True)
    if help:
        err.print(f"  [cyan]help[/]: {escape(help)}", markup=True)
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn upheaval's errors and Ctrl-C into clear messages and exit codes, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        set_compile_notice(compile_notice)
        try:
            return func(*args, **kwargs)
        except ModelError as exc:
            err.print(exc.render(), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_INVALID) from None
        except UpheavalError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def emit_json(obj: Any) -> None:
    """Write one JSON object to stdout (the project's one encoder, :func:`upheaval._json.dumps`)."""
    from upheaval._json import dumps

    sys.stdout.write(dumps(obj) + "\n")
    sys.stdout.flush()


def parse_assignments(items: list[str] | None, option: str) -> dict[str, str]:
    """Parse ``D=V`` items (each may hold several, comma-separated) into a mapping."""
    out: dict[str, str] = {}
    for item in items or []:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            d, sep, v = part.partition("=")
            if not sep or not d or not v:
                raise fail(
                    f"{option} expects DESCRIPTOR=VARIANT, got {part!r}", EXIT_INVALID, "e.g. front=destabilises"
                )
            out[d.strip()] = v.strip()
    return out


def parse_start(system: Any, items: list[str] | None, option: str = "--start") -> dict[str, str] | None:
    """A start scenario from ``--start`` items: ``present`` (the model's present), ``D=V`` pairs, or both.

    Descriptors not given take their variant in the model's present; without a present every
    descriptor must be given. None when nothing was given.
    """
    tokens = [t.strip() for item in items or [] for t in item.split(",") if t.strip()]
    if not tokens:
        return None
    given = parse_assignments([t for t in tokens if t != "present"], option)
    known = [d.id for d in system.descriptors]
    unknown = [d for d in given if d not in known]
    if unknown:
        raise fail(f"{option}: unknown descriptor {unknown[0]!r}; known: {', '.join(known)}", EXIT_INVALID)
    present = dict(system.present.scenario) if system.present is not None else None
    missing = [d.id for d in system.descriptors if d.id not in given]
    if "present" in tokens and present is None:
        raise fail(f"{option} present: model `{system.id}` states no `present`", EXIT_INVALID,
                   "give every descriptor as D=V, or add `present: {scenario: {...}}` to the model")  # fmt: skip
    if missing and present is None:
        raise fail(
            f"{option} gives no variant for {', '.join(missing)} and model `{system.id}` states no `present` "
            "to take them from",
            EXIT_INVALID,
            "give every descriptor as D=V",
        )
    if missing and "present" not in tokens:
        err.print(f"{option}: {len(missing)} of {len(system.descriptors)} descriptors as in the present "
                  f"({'as of ' + system.as_of if system.as_of else 'no date stated'})", markup=False,
                  highlight=False)  # fmt: skip
    return {**(present or {}), **given}


def parse_condition(items: list[str] | None, option: str) -> dict[str, list[str]]:
    """Parse ``--fix``/``--where`` items into ``{descriptor: [variants]}``.

    Each item is ``D=V``, ``D=V1,V2`` (a set of variants) or several ``D=V`` joined by
    commas; a part without ``=`` adds a variant to the descriptor before it, and a
    descriptor given twice takes the union.
    """
    out: dict[str, list[str]] = {}
    for item in items or []:
        current = None
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            d, sep, v = part.partition("=")
            if sep:
                current = d.strip()
                v = v.strip()
            elif current is not None:
                v = part
            if not current or not v:
                raise fail(
                    f"{option} expects DESCRIPTOR=VARIANT or DESCRIPTOR=V1,V2, got {part!r}",
                    EXIT_INVALID,
                    "e.g. front=destabilises, or front=holds,destabilises for a set",
                )
            vs = out.setdefault(current, [])
            if v not in vs:
                vs.append(v)
    return out


@contextmanager
def cluster(scheduler: str | None) -> Iterator[Any]:
    """The ``--scheduler`` connected once for the whole command (a dask Client; None without one): an
    address that cannot be reached fails here, before any work, and every search shares the connection."""
    if scheduler is None:
        yield None
        return
    from upheaval.analysis import dask_client

    with dask_client(scheduler) as client:
        yield client


@contextmanager
def search_progress(description: str, *, after: float = 1.0, enabled: bool = True) -> Iterator[Callable[[float], None]]:
    """Yield a ``progress(fraction)`` callback that shows a bar once work has run ``after`` seconds.

    Output goes to stderr so that ``--json`` output on stdout stays clean.
    """
    start = time.perf_counter()
    state: dict[str, Any] = {"bar": None, "task": None}

    def update(fraction: float) -> None:
        if not enabled:
            return
        if state["bar"] is None:
            if time.perf_counter() - start < after:
                return
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>5.1f}%"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(description, total=1.0)
        state["bar"].update(state["task"], completed=min(max(fraction, 0.0), 1.0))

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


_announced: list[bool] = []  # this process has announced a compile (and compiled every kernel)


@contextmanager
def compile_notice(what: str) -> Iterator[None]:
    """While the engine loads compiled kernels: at the first kernel numba's cache lacks (a compile, which
    numba announces with a ``numba:compile`` event; loading from the cache sends none), say so on stderr
    with a line showing the time elapsed, then compile every other kernel of the engine in the same wait
    (:func:`upheaval.analysis.load_kernels`), so that an installation compiles once and no later command
    waits again; then say how long it took. A run announces at most one compile. ``what`` names the
    kernels the engine asked for; all of them are compiled."""
    if _announced:
        yield
        return
    import threading

    from numba.core import event

    start = time.perf_counter()
    state: dict[str, Any] = {"bar": None}
    lock = threading.Lock()

    class OnCompile(event.Listener):
        def on_start(self, _event) -> None:
            with lock:
                if state["bar"] is not None or _announced:
                    return
                _announced.append(True)
                err.print("compiling the engine's kernels (once per installation)...", markup=False, highlight=False)
                bar = Progress(
                    SpinnerColumn(),
                    TextColumn("compiling"),
                    TimeElapsedColumn(),
                    console=err,
                    transient=True,
                    disable=not err.is_terminal,
                )
                bar.add_task("compiling", total=None)
                bar.start()
                state["bar"] = bar

        def on_end(self, _event) -> None:
            pass

    try:
        with event.install_listener("numba:compile", OnCompile()):
            yield
        if state["bar"] is not None:
            from upheaval.analysis import load_kernels

            load_kernels()
    finally:
        if state["bar"] is not None:
            state["bar"].stop()
            err.print(
                f"compiled the engine's kernels in {time.perf_counter() - start:.1f} s (cached for later runs)",
                markup=False,
                highlight=False,
            )
