"""The argument parser, the command table and the exit-status policy.

Each command lives in its own private module exposing ``NAME``, ``HELP``,
``DESCRIPTION``, ``EPILOG`` (examples), ``add_arguments(parser)`` and ``run`` (a
function ``(args, out, err) -> int``); this module makes one subparser per command.
Errors from the command line or from input files are ``CliError`` values (or the
library's own ``ServiceKitError`` values raised while parsing input): they are
printed as one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

from servicekit.cli import _demo, _due, _score, _sla, _staffing
from servicekit.cli._inputs import CliError
from servicekit.errors import ServiceKitError

if TYPE_CHECKING:
    from collections.abc import Sequence

_COMMANDS = (_demo, _due, _sla, _score, _staffing)

_EPILOG = """\
examples:
  servicekit demo                      the whole library on a month of bundled data
  servicekit demo --html report.html   the same report as a self-contained HTML page
  servicekit due --tz Asia/Shanghai --country CN \\
      --hours "Mon-Fri 09:00-12:00,13:30-18:00" --start 2025-01-24T17:40 --within 4h
  servicekit staffing --volume 1200/day --aht 6m --target 80/20s

Run "servicekit COMMAND --help" for each command's options and an example.
"""


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises instead of exiting, so ``main`` returns 2."""

    def error(self, message: str) -> NoReturn:
        # main() adds "servicekit: error:"; naming the program again would repeat it.
        # argparse echoes unknown arguments whole: cut any long word to a prefix.
        message = _LONG_WORD.sub(lambda m: f"{m.group()[:_WORD_SHOWN]}…", message)
        raise CliError(f"{message} (see {self.prog} --help)")


_WORD_SHOWN = 60
_LONG_WORD = re.compile(rf"\S{{{_WORD_SHOWN + 1},}}")


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options and one subparser per command."""
    parser = _Parser(
        prog="servicekit",
        description="Customer service by the numbers: SLA clocks on business "
        "calendars, routing, staffing and satisfaction statistics.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    subparsers = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=_Parser
    )
    for command in _COMMANDS:
        sub = subparsers.add_parser(
            command.NAME,
            help=command.HELP,
            description=command.DESCRIPTION,
            epilog=command.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return f"servicekit {version('servicekit')}"
    except PackageNotFoundError:  # pragma: no cover - only when run from a bare tree
        return "servicekit (not installed)"


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command line and return its exit status (0, 1 or 2).

    Args:
        argv: The arguments without the program name; ``sys.argv[1:]`` when None.
        out: Where results are printed (standard output when None).
        err: Where errors and progress are printed (standard error when None).

    Examples:
        >>> from servicekit.cli import main
        >>> main(
        ...     [
        ...         "staffing",
        ...         "--volume",
        ...         "1200/day",
        ...         "--aht",
        ...         "6m",
        ...         "--target",
        ...         "80/20s",
        ...     ]
        ... )
        Staffing for ...
        0
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if out is None or err is None:  # started with a standard stream closed (`>&-`)
        return 2
    parser = build_parser()
    try:
        # argparse prints --help and --version to sys.stdout and then exits.
        with contextlib.redirect_stdout(out):
            args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
        if args.command is None:
            parser.print_help(err)
            return 2
        status: int = args.run(args, out, err)
        out.flush()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    except (CliError, ServiceKitError) as error:
        print(f"servicekit: error: {error}", file=err)
        return 2
    except BrokenPipeError:
        # The reader went away (`servicekit ... | head -1`): stop quietly, as a
        # pipeline expects, and keep Python from complaining when it flushes at exit.
        _quiet(out)
        return _SIGPIPE_STATUS
    except OSError as error:  # the output could not be written (a full disk...)
        _quiet(out)
        print(
            f"servicekit: error: cannot write the output: {error.strerror or error}",
            file=err,
        )
        return 2
    return status


_SIGPIPE_STATUS = 141  # 128 + SIGPIPE, what a shell reports for a broken pipe


def _quiet(stream: TextIO) -> None:
    """Point a failed standard output at the null device (the Python docs' recipe)."""
    try:
        fileno = stream.fileno()
    except (OSError, ValueError):  # not a real file (a StringIO in tests)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fileno)
    os.close(null)
