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
import warnings
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from servicekit.cli import _demo, _due, _score, _sla, _staffing
from servicekit.cli._i18n import N_, _, locale_from, say_error, speaking
from servicekit.cli._inputs import CliError
from servicekit.errors import HolidayDataWarning, ServiceKitError
from servicekit.messages import resolve_locale

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_COMMANDS = (_demo, _due, _sla, _score, _staffing)

_EPILOG = N_("""\
examples:
  servicekit --lang zh-CN demo         the same report in Simplified Chinese
  servicekit demo                      the whole library on a month of bundled data
  servicekit demo --html report.html   the same report as a self-contained HTML page
  servicekit due --tz Asia/Shanghai --country CN \\
      --hours "Mon-Fri 09:00-12:00,13:30-18:00" --start 2025-01-24T17:40 --within 4h
  servicekit staffing --volume 1200/day --aht 6m --target 80/20s

Run "servicekit COMMAND --help" for each command's options and an example.
""")


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises instead of exiting, so ``main`` returns 2."""

    def error(self, message: str) -> NoReturn:
        # main() adds "servicekit: error:"; naming the program again would repeat it.
        # argparse echoes unknown arguments whole: cut any long word to a prefix.
        message = _LONG_WORD.sub(lambda m: f"{m.group()[:_WORD_SHOWN]}…", message)
        message = _argparse_in_our_words(message)
        raise CliError(
            _("{message} (see {prog} --help)").format(message=message, prog=self.prog)
        )

    def format_help(self) -> str:
        # argparse's own words are in the standard library's "argparse" gettext
        # domain, which has no Chinese catalog: the headings are ours to translate.
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        return super().format_help()

    def _get_formatter(self) -> argparse.HelpFormatter:
        return _Formatter(prog=self.prog)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(
        self, usage: Any, actions: Any, groups: Any, prefix: Any = None
    ) -> None:
        super().add_usage(
            usage, actions, groups, _("usage: ") if prefix is None else prefix
        )


# argparse's own error sentences (Python 3.11 to 3.13) come from the standard
# library's "argparse" gettext domain, which has no Chinese catalog: they are read
# back here and said again from ours. Anything else (a message of our own, a
# wording a later Python adds) is left as it is.
_ARGPARSE_SENTENCES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"the following arguments are required: (?P<names>.+)"),
        N_("the following arguments are required: {names}"),
    ),
    (
        re.compile(r"unrecognized arguments: (?P<names>.+)"),
        N_("unrecognized arguments: {names}"),
    ),
    (
        re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
        N_("ambiguous option: {option} could match {matches}"),
    ),
    (
        re.compile(r"one of the arguments (?P<names>.+) is required"),
        N_("one of the arguments {names} is required"),
    ),
    (
        re.compile(r"argument (?P<name>\S+?): (?P<problem>.+)"),
        N_("argument {name}: {problem}"),
    ),
)
_ARGUMENT_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"expected one argument"), N_("expected one argument")),
    (
        re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
        N_("invalid choice: {value} (choose from {choices})"),
    ),
    (
        re.compile(r"invalid (?P<type>\w+) value: (?P<value>.+)"),
        N_("invalid {type} value: {value}"),
    ),
    (
        re.compile(r"not allowed with argument (?P<other>.+)"),
        N_("not allowed with argument {other}"),
    ),
    (
        re.compile(r"ignored explicit argument (?P<value>.+)"),
        N_("ignored explicit argument {value}"),
    ),
)


def _argparse_in_our_words(
    message: str, sentences: tuple[tuple[re.Pattern[str], str], ...] = ()
) -> str:
    """One of argparse's error sentences in the run's language (English as it is).

    An ``argument X: ...`` sentence has its problem said again the same way.

    Examples:
        >>> _argparse_in_our_words("argument --jobs: invalid int value: 'x'")
        "argument --jobs: invalid int value: 'x'"
    """
    for pattern, template in sentences or _ARGPARSE_SENTENCES:
        found = pattern.fullmatch(message)
        if found is None:
            continue
        parts = found.groupdict()
        if "problem" in parts:
            parts["problem"] = _argparse_in_our_words(
                parts["problem"], _ARGUMENT_PROBLEMS
            )
        return _(template).format(**parts)
    return message


_WORD_SHOWN = 60
_LONG_WORD = re.compile(rf"\S{{{_WORD_SHOWN + 1},}}")


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options and one subparser per command."""
    parser = _Parser(
        prog="servicekit",
        description=_(
            "Customer service by the numbers: SLA clocks on business "
            "calendars, routing, staffing and satisfaction statistics."
        ),
        epilog=_(_EPILOG),
        add_help=False,
    )
    _add_help(parser)
    parser.add_argument(
        "--version",
        action="version",
        version=_version(),
        help=_("show the version and exit"),
    )
    parser.add_argument(
        "--lang",
        metavar="LOCALE",
        help=_(
            "the language of the output: en or zh-CN (default: from LC_ALL, "
            "LC_MESSAGES or LANG; English if none names a language we have)"
        ),
    )
    subparsers = parser.add_subparsers(
        title=_("commands"), dest="command", metavar="COMMAND", parser_class=_Parser
    )
    for command in _COMMANDS:
        sub = subparsers.add_parser(
            command.NAME,
            help=_(command.HELP),
            description=_(command.DESCRIPTION),
            epilog=_(command.EPILOG),
            add_help=False,
        )
        _add_help(sub)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-h", "--help", action="help", help=_("show this help message and exit")
    )


def _lang_in(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` before parsing (help text is written in it)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


def _language(argv: Sequence[str], environ: Mapping[str, str], err: TextIO) -> str:
    """The locale ``--lang`` or the environment names, resolved once for the run.

    An unknown locale is one warning on ``err`` (naming the locales there are).
    """
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        locale = resolve_locale(_lang_in(argv) or locale_from(environ))
    for w in said:
        print(_("servicekit: warning: {warning}").format(warning=w.message), file=err)
    return locale


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
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run the command line and return its exit status (0, 1 or 2).

    Args:
        argv: The arguments without the program name; ``sys.argv[1:]`` when None.
        out: Where results are printed (standard output when None).
        err: Where errors and progress are printed (standard error when None).
        environ: Where ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` are read when there
            is no ``--lang`` (``os.environ`` when None).

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
    argv = sys.argv[1:] if argv is None else list(argv)
    locale = _language(argv, os.environ if environ is None else environ, err)
    with speaking(locale):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always", HolidayDataWarning)
            status = _run(argv, out, err)
        _tell(said, err)
        return status


def _tell(said: list[warnings.WarningMessage], err: TextIO) -> None:
    """Say the run's warnings: a calendar past its holiday data once, in our words.

    Other warnings are shown as Python would have shown them.
    """
    told: set[tuple[str | None, int | None]] = set()
    for w in said:
        warning = w.message
        if not isinstance(warning, HolidayDataWarning):
            warnings.showwarning(warning, w.category, w.filename, w.lineno)
            continue
        if (warning.country, warning.year) in told:
            continue
        told.add((warning.country, warning.year))
        print(
            _(
                "servicekit: warning: holiday data for {country} ends on {date}; this "
                "result reaches later years, whose make-up working days are not known "
                "yet and whose holidays are estimated: check it against the official "
                "holiday announcements from {year} on"
            ).format(
                country=warning.country or "?",
                date="?" if warning.known_until is None else warning.known_until,
                year=warning.year,
            ),
            file=err,
        )


def _run(argv: list[str], out: TextIO, err: TextIO) -> int:
    parser = build_parser()
    try:
        # argparse prints --help and --version to sys.stdout and then exits.
        with contextlib.redirect_stdout(out):
            args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(err)
            return 2
        status: int = args.run(args, out, err)
        out.flush()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    except (CliError, ServiceKitError) as error:
        print(_("servicekit: error: {error}").format(error=say_error(error)), file=err)
        return 2
    except BrokenPipeError:
        # The reader went away (`servicekit ... | head -1`): stop quietly, as a
        # pipeline expects, and keep Python from complaining when it flushes at exit.
        _quiet(out)
        return _SIGPIPE_STATUS
    except OSError as error:  # the output could not be written (a full disk...)
        _quiet(out)
        print(
            _("servicekit: error: cannot write the output: {error}").format(
                error=error.strerror or error
            ),
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
