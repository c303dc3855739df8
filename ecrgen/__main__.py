"""`python -m ecrgen` runs the command line."""

from ecrgen.cli import main

main()
