"""Reading the command line's values and input files, and writing output files.

Everything here turns text into library values or raises :class:`CliError` with a
message naming the file, the line and the field that were wrong, so ``main`` can
print it and exit with status 2. Output files are written atomically (a temporary
file in the same directory, then a rename): a failed run never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from servicekit.errors import ServiceKitError

if TYPE_CHECKING:
    from collections.abc import Iterator


class CliError(ServiceKitError, ValueError):
    """A wrong command-line value or input file; ``main`` prints it and returns 2.

    Example:
        >>> str(CliError("no such file", source="events.jsonl", line=3, field="at"))
        'events.jsonl, line 3, field "at": no such file'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.field = field
        where = []
        if source is not None:
            where.append(source)
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f'field "{field}"')
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)")


def parse_seconds(text: str, *, what: str) -> float:
    """Seconds in a duration such as ``6m``, ``4h``, ``1h30m``, ``20s`` or ``1.5h``.

    Example:
        >>> parse_seconds("1h30m", what="--within"), parse_seconds("20s", what="x")
        (5400.0, 20.0)
    """
    compact = text.strip().lower().replace(" ", "")
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(compact):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not compact or pos != len(compact):
        raise CliError(
            f"{what}: cannot read {text!r} as a duration; write it like 6m, 4h, "
            "1h30m, 20s or 2d"
        )
    return total


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    """Yield a temporary file beside ``path``; rename it over ``path`` on success."""
    directory = path.parent if str(path.parent) else Path()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` all at once: the file is complete or untouched.

    Example:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.txt"
        >>> write_atomically(target, "hello\\n")
        >>> target.read_text()
        'hello\\n'
    """
    target = Path(path)
    if target.is_dir():
        raise CliError(f"{target} is a directory; give a file name to write")
    if not target.parent.is_dir() and str(target.parent):
        raise CliError(f"cannot write {target}: the directory {target.parent} does not exist")
    try:
        with _replacing(target) as handle:
            handle.write(text)
    except OSError as error:
        raise CliError(f"cannot write {target}: {error.strerror or error}") from None
