"""``python -m upheaval`` runs the command line."""

import sys

try:
    from upheaval.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line is imported
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None

main()
