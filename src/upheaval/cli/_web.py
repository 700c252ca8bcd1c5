"""The ``serve`` command: the local web workbench."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from upheaval.cli._app import app
from upheaval.cli._common import EXIT_INVALID, console, fail, handle_errors


@app.command()
@handle_errors
def serve(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Models to open: built-in names or model files inside the working folder; the built-in "
            "dprk-ukraine-2024 when omitted.",
            show_default=False,
            metavar="MODEL",
        ),
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. Anything but loopback requires the printed token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    root: Annotated[
        Path,
        typer.Option(
            "--root",
            help="Working folder: the only folder whose model files the workbench lists, reads and writes.",
            file_okay=False,
            exists=True,
        ),
    ] = Path("."),
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            help="An event database (see `upheaval events ingest`): adds the tracking page.",
            dir_okay=False,
            exists=True,
        ),
    ] = None,
) -> None:
    """Start the web workbench: open a model, edit its judgements, watch scenarios and claims follow.

    Serves on http://127.0.0.1:8000 by default, reachable only from this machine. With
    --host set to another address a random access token is generated and printed: open
    the printed address (it carries the token) to use the workbench.
    """
    import uvicorn

    from upheaval.web import PathNotAllowed, create_app, is_loopback, resolve_inside

    root = root.resolve()
    opened: list[str] = []
    from upheaval.model import builtin_models

    for m in models or []:
        if m in builtin_models():
            opened.append(m)
            continue
        try:
            path = resolve_inside(root, str(Path(m).resolve().relative_to(root)) if Path(m).is_absolute() else m)
        except (PathNotAllowed, ValueError):
            raise fail(
                f"{m}: not a built-in model nor a model file inside {root}",
                EXIT_INVALID,
                "pass --root with the folder that holds the model",
            ) from None
        opened.append(str(path.relative_to(root)))
    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    web = create_app(opened or None, root=root, token=token, events=events)
    workspace = web.state.workspace
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown if host not in ('0.0.0.0', '::') else '127.0.0.1'}:{port}/"
    console.print(
        f"upheaval workbench on [bold]{escape(url)}{'?token=' + token if token else ''}[/]  "
        f"(working folder {escape(str(root))})"
    )
    if token:
        console.print(f"access token: [bold]{token}[/] (required on every request; the address above sets it)")
    workspace.claims(workspace.doc())  # load and compile before the first page is asked for (after the address)
    console.print("[dim]Ctrl-C to stop[/]")
    uvicorn.run(web, host=host, port=port, log_level="warning")
