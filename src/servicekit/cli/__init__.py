"""The ``servicekit`` command line: the only part of servicekit that reads files and prints.

Every command is a thin edge over the pure library: it parses its input, calls the
core, and prints a table, JSON or a report. ``main`` takes the arguments (``argv``
without the program name) and returns the exit status instead of exiting, so it can
be called from tests and scripts as well as from the ``servicekit`` console script.

Exit statuses: 0 on success, 2 when the command line or an input file is wrong (the
message names the file, the line and the field), 1 for anything unexpected.

Examples:
    >>> from servicekit.cli import main
    >>> main(["staffing", "--volume", "1200/day", "--aht", "6m", "--target", "80/20s"])
    Staffing for 1200 contacts per day, spread over 8 h open (the default --open), AHT 6 min, target 80 % answered within 20 s
    ...
    0
"""

from servicekit.cli._app import main

__all__ = ["main"]
