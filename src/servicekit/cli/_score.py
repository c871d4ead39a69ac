"""``servicekit score``: a satisfaction segment table from a CSV of survey responses.

The command reads one response per CSV row, turns the measure's column(s) into
numbers (every bad cell is reported with the file, the line and the column), and
prints ``servicekit.scoring.segment_table``: per segment and period the number of
responses, the value with its interval, the honest rank, the empirical-Bayes shrunk
value and its rank, the top/bottom marks and the change from the previous period.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from servicekit._boundary import quote
from servicekit.cli._format import aligned
from servicekit.cli._i18n import N_, _, percent, say_error
from servicekit.cli._inputs import CliError, input_path, read_csv, whole_number
from servicekit.errors import ServiceKitError
from servicekit.scoring import (
    CsatMeasure,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    SegmentRow,
    SegmentTable,
    ShareMeasure,
    segment_table,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from servicekit.scoring import Measure

EPILOG = N_("""\
examples:
  servicekit score examples/cli/responses.csv --by city --period month
  servicekit score examples/cli/responses.csv --by channel --measure csat --json
  servicekit score examples/cli/responses.csv --by city --measure index --min-n 20

measures and the columns they read (--field names another column):
  nps    0-10 answers in "nps": NPS in points, adjusted-Wald interval
  csat   1-5 ratings in "rating": share rating 4 or 5, Wilson interval
  mean   1-5 ratings in "rating": mean rating, t interval
  fcr    yes/no in "resolved" (true/false/yes/no/1/0): share resolved, Wilson
  index  1-5 ratings in response_speed, resolution, attitude, follow_up: the
         weighted 0-100 satisfaction index (an empty cell is an unanswered question)
A row whose measure cell is empty is an unanswered survey and is left out.
""")

_INDEX_COLUMNS = ("response_speed", "resolution", "attitude", "follow_up")
_DEFAULT_FIELD = {"nps": "nps", "csat": "rating", "mean": "rating", "fcr": "resolved"}
_TITLE = {
    "nps": N_("NPS (points)"),
    "csat": N_("CSAT top-box (%)"),
    "mean": N_("mean rating (1-5)"),
    "fcr": N_("first-contact resolution (%)"),
    "index": N_("satisfaction index (0-100)"),
}
_YES = {"true", "yes", "y", "1"}
_NO = {"false", "no", "n", "0"}


NAME = "score"
HELP = N_("NPS, CSAT, FCR or the satisfaction index per segment, ranked honestly")
DESCRIPTION = N_(
    "Estimate a satisfaction measure per segment (and period) from a "
    "CSV of survey responses, with intervals, honest ranks, shrunk values, "
    "top/bottom marks and the change from the previous period."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``score`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument(
        "responses", metavar="RESPONSES", help=_("a CSV file with a header")
    )
    parser.add_argument(
        "--by", required=True, help=_("the column naming segments, e.g. city")
    )
    parser.add_argument("--period", help=_("the column naming periods, e.g. month"))
    parser.add_argument(
        "--measure",
        choices=("nps", "csat", "fcr", "index", "mean"),
        default="nps",
        help=_("what to estimate (default nps)"),
    )
    parser.add_argument(
        "--field", help=_("the column the measure reads, if not its default")
    )
    parser.add_argument(
        "--top",
        type=whole_number,
        default=5,
        metavar="K",
        help=_("segments marked top (default 5)"),
    )
    parser.add_argument(
        "--bottom",
        type=whole_number,
        default=3,
        metavar="K",
        help=_("segments marked bottom (default 3)"),
    )
    parser.add_argument(
        "--min-n",
        type=whole_number,
        default=30,
        metavar="N",
        help=_("fewest responses for a segment to be ranked (default 30)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead"))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Read the responses, build the segment table and print it."""
    del err
    for option, value, low in (
        ("--top", args.top, 0),
        ("--bottom", args.bottom, 0),
        ("--min-n", args.min_n, 1),
    ):
        if value < low:
            raise CliError(
                _("{option}: must be {low} or more, got {value}").format(
                    option=option, low=low, value=value
                )
            )
    if args.measure == "index" and args.field is not None:
        raise CliError(
            "--field: the index reads the columns "
            + ", ".join(_INDEX_COLUMNS)
            + "; --field names the column of the other measures"
        )
    path = input_path(args.responses, what="RESPONSES")
    header, rows = read_csv(path)
    columns = (
        list(_INDEX_COLUMNS)
        if args.measure == "index"
        else [args.field or _DEFAULT_FIELD[args.measure]]
    )
    for column in [args.by, *([args.period] if args.period else []), *columns]:
        if column not in header:
            raise CliError(
                _("no such column; the header has: {header}").format(
                    header=", ".join(header)
                ),
                source=path,
                line=1,
                field=column,
            )
    measure, responses = _responses(args, path, rows, columns)
    if not responses:
        raise CliError(
            _("no answered responses in the column(s) {columns}").format(
                columns=", ".join(columns)
            ),
            source=path,
        )
    try:
        table = segment_table(
            responses,
            by=args.by,
            period=args.period,
            measure=measure,
            min_n=args.min_n,
            top_k=args.top,
            bottom_k=args.bottom,
        )
    except ServiceKitError as error:  # pragma: no cover - inputs are checked above
        raise CliError(say_error(error), source=path) from None
    if args.json:
        text = json.dumps(table.to_dict(), ensure_ascii=False, indent=2)
    else:
        text = _report(table, args, path, len(responses))
    print(text, file=out)
    return 0


def _responses(
    args: argparse.Namespace,
    path: str,
    rows: list[tuple[int, dict[str, str]]],
    columns: list[str],
) -> tuple[Measure, list[dict[str, Any]]]:
    keys = [args.by, *([args.period] if args.period else [])]
    out: list[dict[str, Any]] = []
    measure: Measure
    if args.measure == "index":
        measure = IndexMeasure(field="ratings")
    else:
        column = columns[0]
        reader, measure = _MEASURES[args.measure](column)
    for number, row in rows:
        response: dict[str, Any] = {}
        for key in keys:
            if not row[key]:
                raise CliError(
                    _("empty; every response needs one"),
                    source=path,
                    line=number,
                    field=key,
                )
            response[key] = row[key]
        if args.measure == "index":
            ratings = {
                c: _whole(row[c], 1, 5, path=path, line=number, column=c)
                for c in _INDEX_COLUMNS
                if row[c]
            }
            if not ratings:
                continue
            response["ratings"] = ratings
        else:
            if not row[column]:
                continue
            response[column] = reader(row[column], path, number)
        out.append(response)
    return measure, out


def _whole(text: str, low: int, high: int, *, path: str, line: int, column: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise CliError(
            _("{value} is not a number; write a whole number {low}-{high}").format(
                value=quote(text), low=low, high=high
            ),
            source=path,
            line=line,
            field=column,
        ) from None
    if not value.is_integer() or not low <= value <= high:
        raise CliError(
            _("{value} is out of range; answers are whole numbers {low}-{high}").format(
                value=quote(text), low=low, high=high
            ),
            source=path,
            line=line,
            field=column,
        )
    return int(value)


def _scale(low: int, high: int, column: str) -> Callable[[str, str, int], int]:
    def read(text: str, path: str, line: int) -> int:
        return _whole(text, low, high, path=path, line=line, column=column)

    return read


def _flag(column: str) -> Callable[[str, str, int], bool]:
    def read(text: str, path: str, line: int) -> bool:
        word = text.lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise CliError(
            _("{value} is not yes or no; write true/false, yes/no or 1/0").format(
                value=quote(text)
            ),
            source=path,
            line=line,
            field=column,
        )

    return read


_MEASURES: dict[
    str, Callable[[str], tuple[Callable[[str, str, int], Any], Measure]]
] = {
    "nps": lambda c: (_scale(0, 10, c), NpsMeasure(field=c)),
    "csat": lambda c: (_scale(1, 5, c), CsatMeasure(field=c)),
    "mean": lambda c: (_scale(1, 5, c), MeanMeasure(field=c)),
    "fcr": lambda c: (_flag(c), ShareMeasure(field=c)),
}


def _number(value: float) -> str:
    return f"{value:.1f}"


def _marks(row: SegmentRow) -> str:
    marks = [m for m, on in ((_("top"), row.top), (_("bottom"), row.bottom)) if on]
    if not row.rankable:
        marks.append(_("too few to rank"))
    return _(", ").join(marks)


def _change(row: SegmentRow) -> str:
    if row.change is None:
        return "-"
    text = f"{row.change.difference.value:+.1f}"
    return text + (
        _(" significant") if row.change_significant else _(" not significant")
    )


_CHANGE = 7  # the column of the change from the previous period


def _report(
    table: SegmentTable, args: argparse.Namespace, path: str, count: int
) -> str:
    # 95 %, 99.5 % (as many decimals as the level has), 95% in Chinese
    confidence = f"{100 * table.confidence:g}" + percent(0, 0).removeprefix("0")
    by = (
        _("{by} and {period}").format(by=args.by, period=args.period)
        if args.period
        else args.by
    )
    responses = (
        _("1 response") if count == 1 else _("{n} responses").format(n=f"{count:,}")
    )
    lines = [
        _(
            "{measure} by {by}: {responses} from {path}, {confidence} intervals; "
            "ranked when n >= {min_n}"
        ).format(
            measure=_(_TITLE[args.measure]),
            by=by,
            responses=responses,
            path=path,
            confidence=confidence,
            min_n=table.min_n,
        ),
    ]
    header = (
        _("segment"),
        "n",
        _("value"),
        _("interval"),
        _("rank"),
        _("shrunk"),
        _("shrunk rank"),
        _("change"),
        _("marks"),
    )
    right = {1, 2, 4, 5, 6}
    overall = dict(table.overall)
    for period in table.periods:
        e = overall[period]
        label = _("all periods") if period is None else f"{args.period} {period}"
        lines += [
            "",
            _("{label}: overall {value} [{low}, {high}], n={n}").format(
                label=label,
                value=_number(e.value),
                low=_number(e.low),
                high=_number(e.high),
                n=e.n,
            ),
        ]
        body = [
            (
                str(r.segment),
                str(r.n),
                _number(r.estimate.value),
                f"[{_number(r.estimate.low)}, {_number(r.estimate.high)}]",
                "-" if r.rank is None else str(r.rank),
                _number(r.shrunk.value),
                "-" if r.shrunk_rank is None else str(r.shrunk_rank),
                _change(r) if args.period else "",
                _marks(r),
            )
            for r in table.ranked(period)
        ]
        keep = [i for i in range(len(header)) if args.period or i != _CHANGE]
        shown = [tuple(row[i] for i in keep) for row in [header, *body]]
        lines += aligned(shown, {j for j, i in enumerate(keep) if i in right})
    lines += [
        "",
        _(
            "rank: 1 + segments that the pairwise tests (Holm-corrected) place above; "
            "shared ranks cannot be told apart.\n"
            "shrunk: pulled toward the period's overall value by sample size."
        ),
    ]
    return "\n".join(lines)
