"""The command line's entry point: ``python -m upheaval`` and the ``upheaval`` console script.

A Ctrl-C while the command line loads (typer, rich and the commands take a while to import)
ends the process at once with "interrupted" and exit 130, as a shell expects, instead of a
traceback from whichever import it landed in. The handler is installed here, by the entry
point alone: ``import upheaval`` leaves a library user's signal handlers as they are.
"""

import os
import signal


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os.write(2, b"interrupted\n")
    os._exit(130)


def main() -> None:
    """Load the command line with Ctrl-C ending the process, then run it with Ctrl-C as KeyboardInterrupt."""
    ours = signal.getsignal(signal.SIGINT) is signal.default_int_handler  # not when the shell ignores Ctrl-C
    if ours:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    try:
        from upheaval.cli import main as run

        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        run()
    except KeyboardInterrupt:  # between the imports and the command's own handling
        os.write(2, b"interrupted\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
