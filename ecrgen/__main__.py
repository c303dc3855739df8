"""`python -m ecrgen` runs the command line."""

import sys

try:
    from ecrgen.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python imports: one line, the conventional exit code
    sys.stderr.write("\necrgen: interrupted.\n")
    sys.exit(130)

main()
