"""Formatting shared by the command line's text output and the demo's reports.

Text is measured in terminal cells, not characters (``wcwidth``): a Chinese character
takes two cells, so a city called 呼和浩特 is as wide as ``Hohhot`` and a half, and
columns stay aligned whatever script a segment's name is in.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import wcwidth

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

_BOUNDS = frozenset({-100.0, 0.0, 100.0})


def wait(seconds: Any) -> str:
    """A duration, human-readable: ``45 s``, ``3 min 20 s``, ``1 h 05 min``, ``2 d 04 h``.

    Anything that is not a finite number reads ``n/a``; negative durations read as 0.

    Examples:
        >>> [wait(45), wait(200), wait(3900), wait(187_200), wait(float("nan"))]
        ['45 s', '3 min 20 s', '1 h 05 min', '2 d 04 h', 'n/a']
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "n/a"
    if not math.isfinite(seconds):
        return "n/a"
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        minutes, secs = divmod(total, 60)
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(round(total / 60), 60)
    if hours < 24:
        return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d" if hours == 0 else f"{days} d {hours:02d} h"


def decimals(numbers: Iterable[float], digits: int = 1) -> int:
    """Decimals to show so that no number reads as a bound (0, ±100) it is not.

    A share of 99.97 % printed with one decimal reads "100.0 %", a claim the data
    does not make; this adds decimals (up to four) until it no longer does.

    Examples:
        >>> decimals([78.04, 77.61]), decimals([99.97, 99.9]), decimals([100.0, 0.0])
        (1, 2, 1)
    """
    values = [float(x) for x in numbers if math.isfinite(x)]
    while digits < 4 and any(
        round(x, digits) in _BOUNDS and x not in _BOUNDS for x in values
    ):
        digits += 1
    return digits


def cells(text: str) -> int:
    """The terminal cells ``text`` takes: two for each wide (CJK) character.

    Examples:
        >>> cells("Hohhot"), cells("呼和浩特"), cells("12.5 %")
        (6, 8, 6)
    """
    return int(wcwidth.width(text))


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal cells, on the left if ``right``.

    Examples:
        >>> pad("呼和浩特", 10) + "|", pad("7", 3, right=True)
        ('呼和浩特  |', '  7')
    """
    return str(wcwidth.rjust(text, width) if right else wcwidth.ljust(text, width))


def aligned(
    rows: Sequence[Sequence[str]], right: Collection[int], *, indent: str = ""
) -> list[str]:
    """Rows (the header first) as lines, each column as wide as its widest cell.

    Columns whose index is in ``right`` are right-aligned (numbers), the others left-
    aligned (text); widths are in terminal cells, so Chinese names line up.

    Examples:
        >>> aligned([("city", "n"), ("拉萨", "7"), ("Xi'an", "1,204")], right={1})
        ['city       n', '拉萨       7', "Xi'an  1,204"]
    """
    widths = [max(cells(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        indent
        + "  ".join(
            pad(c, w, right=i in right)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


# A line may break between two wide (CJK) characters, at a space, or inside a word
# only when the word alone is wider than the line. Opening punctuation sticks to
# what follows it and closing punctuation to what precedes it (no line starts
# with "，" or ends with "（"), and a Latin run such as ``SERVICE_STANDARD`` is
# never cut when it fits on a line of its own.
_OPENING = "（「『《〈【〔“‘"
_CLOSING = "，。、：；）」』》〉】〕”’！？"


def _pieces(text: str) -> list[str]:
    """Spaces, single wide characters and runs of narrow ones, with punctuation held."""
    out: list[str] = []
    for chunk in re.split(r"(\s+)", text):
        if not chunk or chunk.isspace():
            out.append(chunk)
            continue
        run = ""
        for ch in chunk:
            wide = cells(ch) == 2 and ch not in _CLOSING
            if run and (
                (wide and run[-1] not in _OPENING)
                or (
                    not wide
                    and ch not in _CLOSING
                    and cells(run[-1]) == 2
                    and run[-1] not in _OPENING
                )
            ):
                out.append(run)
                run = ""
            run += ch
        out.append(run)
    return [piece for piece in out if piece]


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """A paragraph as lines of at most ``width`` terminal cells.

    Chinese, which has no spaces, breaks between characters, never before a
    closing mark (，。）) nor after an opening one (（), and a Latin word or
    identifier within it is kept whole when it fits on a line.

    Examples:
        >>> [cells(line) for line in wrap("word " * 30, 100)]
        [99, 49]
        >>> wrap("春节期间的平均响应时间明显变长", 12)
        ['春节期间的平', '均响应时间明', '显变长']
        >>> wrap("目标为服务标准（SERVICE_STANDARD）。", 24)
        ['目标为服务标准', '（SERVICE_STANDARD）。']
    """
    later = indent + "  " if indent else ""
    if all(cells(ch) < 2 for ch in text):  # no wide characters: by words only
        return list(
            wcwidth.wrap(
                text,
                width,
                initial_indent=indent,
                subsequent_indent=later,
                break_on_hyphens=False,
            )
        )
    lines: list[str] = []
    line, used, space = indent, cells(indent), False
    for piece in _pieces(text):
        if piece.isspace():
            space = line.strip() != ""
            continue
        for part in _fitting(piece, width - cells(later)):
            need = cells(part) + space
            if used + need > width and line.strip():
                lines.append(line)
                line, used, need, space = later, cells(later), cells(part), False
            line += " " * space + part
            used += need
            space = False
    if line.strip():
        lines.append(line)
    return lines


def _fitting(piece: str, room: int) -> list[str]:
    """``piece`` cut by characters into parts of at most ``room`` cells (if wider)."""
    if cells(piece) <= room:
        return [piece]
    parts = [""]
    for ch in piece:
        if parts[-1] and cells(parts[-1]) + cells(ch) > room:
            parts.append("")
        parts[-1] += ch
    return parts
