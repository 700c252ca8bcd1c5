"""``python -m upheaval`` runs the command line."""

from upheaval.cli import main

main()
