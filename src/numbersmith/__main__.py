"""``python -m numbersmith``: the command line, from whichever Python runs it."""

from numbersmith.cli import main

main()
