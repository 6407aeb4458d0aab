"""`python -m distributor` runs the command line."""

from distributor.cli import main

main()
