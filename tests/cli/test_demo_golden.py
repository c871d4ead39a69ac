"""Golden files: the demo's text and JSON at a fixed seed and a small volume.

Any change to what ``servicekit demo`` prints shows up here as a reviewable diff of
``tests/cli/golden/``. When the change is intended, regenerate the files and commit
them with the change that caused it::

    SERVICEKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/cli/test_demo_golden.py

The command is run in-process (``run_main``), one desk at a time (``--jobs 1``; other
job counts give the same bytes, which test_demo.py checks).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from cli.cli_run import run_main

GOLDEN = Path(__file__).parent / "golden"
ARGS = ("demo", "--seed", "7", "--month", "2025-01", "--volume", "60", "--jobs", "1")
UPDATE = os.environ.get("SERVICEKIT_UPDATE_GOLDEN") == "1"
SHOWN_LINES = 80


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8", newline="\n")
    expected = path.read_text(encoding="utf-8")
    if actual == expected:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"golden/{name}",
            "servicekit " + " ".join(ARGS),
        )
    )
    shown = "".join(diff[:SHOWN_LINES])
    more = (
        f"\n… {len(diff) - SHOWN_LINES} more diff lines"
        if len(diff) > SHOWN_LINES
        else ""
    )
    pytest.fail(
        f"the demo's output changed from golden/{name}:\n{shown}{more}\n"
        "If the change is intended: SERVICEKIT_UPDATE_GOLDEN=1 .venv/bin/python -m "
        "pytest tests/cli/test_demo_golden.py, and commit the new file.",
        pytrace=False,
    )


@pytest.mark.parametrize(
    ("name", "extra"),
    [("demo-7-2025-01-v60.txt", ()), ("demo-7-2025-01-v60.json", ("--json",))],
)
def test_demo_output_matches_its_golden_file(name: str, extra: tuple[str, ...]) -> None:
    r = run_main(*ARGS, *extra)
    assert (r.status, r.err) == (0, "")
    _check(name, r.out)
